using Fovea.IO;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using SkiaSharp;
using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>
/// <c>fovea explain</c> on a tiny saved model whose Grad-CAM has a closed form: after conv → ReLU ("relu") → global
/// average pooling → Dense, ∂logit_k/∂A_cij = W_kc / (h·w), so the Grad-CAM map is ReLU(Σ_c W_kc A_c) / (h·w), the
/// class activation map of Zhou et al. 2016 (A from a plain forward pass, W the Dense kernel).
/// </summary>
[Collection("Console")]
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-explain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private (Model Model, Dense Fc) SaveTinyModel()
    {
        var fc = new Dense(3, name: "fc");
        var model = new Sequential([new Conv2D(4, 3, padding: Padding.Same, name: "conv"), new ReLU(name: "relu"),
            new GlobalAveragePooling2D(name: "gap"), fc], "tiny", seed: 5, inputShape: [3, 6, 6]);
        model.Save(File("tiny"));
        return (model, fc);
    }

    [Fact]
    public void Explain_GradCamOnSavedModel_EqualsClassActivationMap()
    {
        var (model, fc) = SaveTinyModel();
        var x = Tensor.RandomUniform([2, 3, 6, 6], new Rng(4), 0, 1);
        Npy.Save(File("x.npy"), x);
        var (code, stdout, err) = CliHarness.Run("explain", "--model", File("tiny"), "--input", File("x.npy"),
            "--method", "gradcam", "--layer", "relu", "--target", "2", "--output", File("maps.npy"), "--overlays",
            File("png"));
        Assert.True(code == 0, err);
        Assert.Contains("maps.npy", stdout);
        var maps = Npy.Load(File("maps.npy"));
        Assert.Equal(new Shape(2, 1, 6, 6), maps.Shape);
        var a = model.Capture(x, ["relu"], gradients: false)["relu"].ToArray();
        var w = fc.Kernel.ToArray();   // [3, 4]
        var m = maps.ToArray();
        for (int i = 0; i < 2; i++)
        for (int p = 0; p < 36; p++)
        {
            double s = 0;
            for (int c = 0; c < 4; c++)
                s += w[2 * 4 + c] * a[(i * 4 + c) * 36 + p];
            Assert.Equal(Math.Max(s, 0) / 36, m[i * 36 + p], 1e-6);
        }
        var pngs = Directory.GetFiles(File("png"), "*.png").Order().ToArray();
        Assert.Equal(2, pngs.Length);
        Assert.EndsWith("sample0000_class2.png", pngs[0]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, System.IO.File.ReadAllBytes(pngs[0])[..4]);
    }

    [Fact]
    public void Explain_SaliencyWithoutTarget_ExplainsTopClassAsTheModelIsLinearInTheLogit()
    {
        // Without --target each sample's top class is explained; the gradient of a logit is then checked against
        // central finite differences of that logit.
        var (model, _) = SaveTinyModel();
        var x = Tensor.RandomUniform([1, 3, 6, 6], new Rng(6), 0, 1);
        Npy.Save(File("x.npy"), x);
        var (code, _, err) = CliHarness.Run("explain", "--model", File("tiny"), "--input", File("x.npy"),
            "--method", "saliency", "--output", File("s.npy"));
        Assert.True(code == 0, err);
        var s = Npy.Load(File("s.npy")).ToArray();
        var logits = model.Predict(x).ToArray();
        int k = Array.IndexOf(logits, logits.Max());
        foreach (int j in new[] { 0, 17, 50, 107 })
        {
            float Logit(float delta)
            {
                var y = x.Clone();
                y.AsSpan()[j] += delta;
                return model.Predict(y).ToArray()[k];
            }
            double fd = (Logit(1e-2f) - Logit(-1e-2f)) / 2e-2;
            Assert.Equal(fd, s[j], 2e-3);   // float32 logits of order 1: finite-difference error ~1e-4
        }
    }

    [Fact]
    public void Explain_Occlusion_EqualsLogitDropOfTheWindow()
    {
        // Window 2, stride 2 (no overlap): every pixel of the top-left window gets F(x) − F(x with it zeroed), the
        // logits (the tiny model has no softmax) from a plain forward pass.
        var (model, _) = SaveTinyModel();
        var x = Tensor.RandomUniform([1, 3, 6, 6], new Rng(8), 0, 1);
        Npy.Save(File("x.npy"), x);
        var (code, _, err) = CliHarness.Run("explain", "--model", File("tiny"), "--input", File("x.npy"),
            "--method", "occlusion", "--window", "2", "--stride", "2", "--target", "1", "--output", File("o.npy"));
        Assert.True(code == 0, err);
        var o = Npy.Load(File("o.npy"));
        Assert.Equal(x.Shape, o.Shape);
        var occluded = x.Clone();
        var span = occluded.AsSpan();
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < 2; y++)
        for (int xx = 0; xx < 2; xx++)
            span[c * 36 + y * 6 + xx] = 0f;
        float drop = model.Predict(x).ToArray()[1] - model.Predict(occluded).ToArray()[1];
        foreach (int p in new[] { 0, 1, 6, 7, 36 + 7, 72 })
            Assert.Equal(drop, o.ToArray()[p], 1e-5);
    }

    [Fact]
    public void Explain_ImagesFolder_ReadsFilesInNameOrderAsTheNpyInput()
    {
        // Two 6×6 PNGs (the model's input size, so no resampling): pixel values are byte / 255, files in name order;
        // explaining the folder gives what explaining the same values from .npy gives.
        SaveTinyModel();
        Directory.CreateDirectory(File("imgs"));
        var expected = new float[2 * 3 * 36];
        for (int i = 0; i < 2; i++)
        {
            using var bitmap = new SKBitmap(6, 6, SKColorType.Rgba8888, SKAlphaType.Opaque);
            for (int p = 0; p < 36; p++)
            {
                byte r = (byte)(40 * i + 7 * p), g = (byte)(255 - 5 * p), b = (byte)(100 + 3 * p * i);
                bitmap.SetPixel(p % 6, p / 6, new SKColor(r, g, b));
                expected[(i * 3 + 0) * 36 + p] = r / 255f;
                expected[(i * 3 + 1) * 36 + p] = g / 255f;
                expected[(i * 3 + 2) * 36 + p] = b / 255f;
            }
            using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
            System.IO.File.WriteAllBytes(File($"imgs/{(char)('a' + i)}.png"), png.ToArray());
        }
        var loaded = Fovea.Data.ImageFolder.LoadFiles(Fovea.Data.ImageFolder.ImageFiles(File("imgs")), 6);
        Assert.Equal(new Shape(2, 3, 6, 6), loaded.Shape);
        var values = loaded.ToArray();
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(expected[k], values[k], 1e-6f);
        Npy.Save(File("x.npy"), Tensor.Wrap(expected, [2, 3, 6, 6]));
        var (code, _, err) = CliHarness.Run("explain", "--model", File("tiny"), "--images", File("imgs"),
            "--method", "gradcampp", "--layer", "relu", "--target", "0", "--output", File("a.npy"));
        Assert.True(code == 0, err);
        (code, _, err) = CliHarness.Run("explain", "--model", File("tiny"), "--input", File("x.npy"),
            "--method", "gradcampp", "--layer", "relu", "--target", "0", "--output", File("b.npy"));
        Assert.True(code == 0, err);
        Assert.Equal(Npy.Load(File("b.npy")).ToArray(), Npy.Load(File("a.npy")).ToArray());
    }

    [Fact]
    public void Explain_CamWithoutLayer_FailsWithOneLine()
    {
        SaveTinyModel();
        Npy.Save(File("x.npy"), Tensor.Zeros([1, 3, 6, 6]));
        var (code, _, err) = CliHarness.Run("explain", "--model", File("tiny"), "--input", File("x.npy"),
            "--method", "gradcam", "--output", File("m.npy"));
        CliHarness.AssertOneErrorLine(code, err, "--layer");
    }
}
