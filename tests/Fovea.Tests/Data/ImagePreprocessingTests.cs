using Fovea.Data;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>ImagePreprocessing: resizing, channel repetition and order, scaling; CntkResNet against the package's
/// own ResNetPreprocess.onnx run by ONNX Runtime.</summary>
public sealed class ImagePreprocessingTests
{
    [Fact]
    public void Apply_None_UpsamplesBilinearWithHalfPixelCentres()
    {
        var x = Tensor.FromArray([0f, 1f, 2f, 3f], [1, 1, 2, 2]);
        var y = ImagePreprocessing.None.Apply(x, [1, 4, 4]);
        // Output coordinate o samples input (o + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped to the edges:
        // weights 0, 0.25, 0.75, 1 along each axis; rows step by 2, columns by 1.
        float[] t = [0f, 0.25f, 0.75f, 1f];
        var expected = t.SelectMany(r => t.Select(c => 2 * r + c)).ToArray();
        TensorAssert.Close(expected, y.AsReadOnlySpan(), 1e-6, 0, "bilinear 2×2 → 4×4");
    }

    [Fact]
    public void Apply_GrayToThreeChannels_ScalesAndSubtractsEachChannelsMean()
    {
        var x = Tensor.FromArray([0.5f, 1f], [2, 1, 1, 1]);
        var p = new ImagePreprocessing(255, [10f, 20f, 30f], [1f, 2f, 5f]);
        var y = p.Apply(x, [3, 1, 1]);
        Assert.Equal(new Shape(2, 3, 1, 1), y.Shape);
        TensorAssert.Close([117.5f, 53.75f, 19.5f, 245f, 117.5f, 45f], y.AsReadOnlySpan(), 1e-4, 0,
            "(x·255 − mean) / std");
    }

    [Fact]
    public void Apply_ReverseChannels_FeedsBlueFirst()
    {
        var x = Tensor.FromArray([0.1f, 0.2f, 0.3f], [1, 3, 1, 1]);   // R, G, B
        var y = new ImagePreprocessing(10, [0f], [1f], reverseChannels: true).Apply(x, [3, 1, 1]);
        TensorAssert.Close([3f, 2f, 1f], y.AsReadOnlySpan(), 1e-6, 0, "BGR");
    }

    [Fact]
    public void Apply_WrongChannels_FoveaException()
    {
        var x = Tensor.Zeros([1, 2, 4, 4]);
        Assert.Contains("[1, 2, 4, 4]", Assert.Throws<FoveaException>(() =>
            ImagePreprocessing.Torch.Apply(x, [3, 4, 4])).Message);
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing(1, [0f, 0f], [1f]));
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing(1, [0f], [0f]));
    }

    /// <summary>
    /// ResNetPreprocess.onnx (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) takes RGB pixels in 0..255, swaps them
    /// to BGR and subtracts a 3×224×224 mean image; CntkResNet subtracts that image's per-channel averages instead.
    /// So per channel the two agree on average (to the 4-decimal rounding of the averages), and everywhere within
    /// the mean image's largest deviation from its channel average (12.74, blue channel; measured with python3-onnx
    /// from the file). A wrong channel order would be off by about 100 on average with these colours.
    /// </summary>
    [Fact]
    public void CntkResNet_MatchesResNetPreprocessOnnx_UpToTheMeanImagesVariation()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx",
            "ResNetPreprocess.onnx");
        var rng = new Rng(8);
        var rgb = Tensor.Zeros([1, 3, 224, 224]);
        var s = rgb.AsSpan();
        float[] colour = [0.9f, 0.5f, 0.1f];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < 224 * 224; i++)
                s[c * 224 * 224 + i] = Math.Clamp(colour[c] + 0.2f * (rng.NextFloat() - 0.5f), 0f, 1f);
        }
        var pixels = Tensor.FromArray(rgb.ToArray().Select(v => v * 255).ToArray(), rgb.Shape);
        var expected = OrtReference.Run(path, pixels)[0].ToArray();
        var actual = ImagePreprocessing.CntkResNet.Apply(rgb, [3, 224, 224]).ToArray();
        for (int c = 0; c < 3; c++)
        {
            var diff = Enumerable.Range(c * 224 * 224, 224 * 224).Select(i => (double)actual[i] - expected[i])
                .ToArray();
            Assert.True(Math.Abs(diff.Average()) < 0.01, $"channel {c}: average difference {diff.Average()}");
            Assert.True(diff.Max(Math.Abs) <= 12.75, $"channel {c}: largest difference {diff.Max(Math.Abs)}");
        }
    }
}
