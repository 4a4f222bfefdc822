using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// The pretrained ResNet-18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (CNTK export, opset 8,
/// input Input247 [1, 3, 224, 224], output Pooling395_Output_0 [1, 512, 1, 1]) imported by Fovea gives the features
/// ONNX Runtime gives, within 1e−4 absolute, on a batch of four images (Fovea runs the batch at once, which also
/// checks that a graph exported for batch 1 runs with another batch; ONNX Runtime runs them one by one).
/// </summary>
public sealed class ResNet18ImportTests(ITestOutputHelper output)
{
    internal static string ModelPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx",
        "ResNet18.onnx");

    /// <summary>Images with the statistics of normalised photographs: smooth random fields scaled to roughly
    /// ±2.</summary>
    internal static Tensor Images(int n, int seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.Zeros([n, 3, 224, 224]);
        var s = x.AsSpan();
        for (int img = 0; img < n * 3; img++)
        {
            double fx = 0.02 + 0.05 * rng.NextFloat(), fy = 0.02 + 0.05 * rng.NextFloat(),
                phase = 6.28 * rng.NextFloat();
            for (int i = 0; i < 224 * 224; i++)
            {
                int h = i / 224, w = i % 224;
                s[img * 224 * 224 + i] = (float)(1.5 * Math.Sin(fx * h + fy * w + phase)
                    + 0.5 * (rng.NextFloat() - 0.5));
            }
        }
        return x;
    }

    [Fact]
    public void PretrainedResNet18_MatchesOnnxRuntime_OnABatch()
    {
        Assert.True(File.Exists(ModelPath), $"{ModelPath} is missing (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 " +
            $"0.23.1)");
        var model = OnnxImporter.Load(ModelPath);
        var images = Images(4, 3);
        Tensor features;
        using (GradMode.NoGrad())
            features = model.Predict(images);
        Assert.Equal(new Shape(4, 512, 1, 1), features.Shape);
        double max = 0;
        for (int i = 0; i < 4; i++)
        {
            var one = Tensor.FromArray(images.ToArray().AsSpan(i * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            var expected = OrtReference.Run(ModelPath, one)[0].ToArray();
            var actual = features.ToArray().AsSpan(i * 512, 512).ToArray();
            max = Math.Max(max, expected.Zip(actual, (p, q) => Math.Abs((double)p - q)).Max());
            TensorAssert.Close(expected, actual, 1e-4, 0, $"ResNet-18 features of image {i}");
        }
        output.WriteLine($"ResNet-18 features: max |Fovea − ONNX Runtime| = {max:G3} over 4 images");
        Assert.True(max <= 1e-4);
    }
}
