using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Segmentation;
using Xunit;

namespace Fovea.Vision.Tests.Segmentation;

/// <summary>
/// <see cref="UNet"/> and <see cref="DeepLabV3Plus"/>: output shapes, training on a tiny synthetic task lowers the
/// loss, a save/load round trip gives identical outputs, and DeepLabV3+ trains at batch size 1 (its ASPP pooling
/// branch has no BatchNorm).
/// </summary>
public sealed class SegmentationModelsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-seg-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Images whose right half is bright (class 1) and left half dark (class 0), with a moving border and
    /// noise: [n, 3, s, s] and the masks [n, s, s].</summary>
    private static (Tensor X, Tensor Y) HalfPlanes(int n, int s, int seed = 1)
    {
        var rng = new Random(seed);
        var x = new float[n * 3 * s * s];
        var y = new float[n * s * s];
        for (int b = 0; b < n; b++)
        {
            int border = 2 + rng.Next(s - 4);
            for (int i = 0; i < s; i++)
            {
                for (int j = 0; j < s; j++)
                {
                    bool right = j >= border;
                    y[(b * s + i) * s + j] = right ? 1 : 0;
                    for (int c = 0; c < 3; c++)
                    {
                        float noise = 0.3f * (float)(rng.NextDouble() - 0.5);
                        x[((b * 3 + c) * s + i) * s + j] = (right ? 0.8f : -0.8f) + noise;
                    }
                }
            }
        }
        return (Tensor.Wrap(x, [n, 3, s, s]), Tensor.Wrap(y, [n, s, s]));
    }

    private static List<double> Train(Model model, Tensor x, Tensor y, int steps, double learningRate)
    {
        var optimizer = new Adam(learningRate);
        var loss = new PixelCrossentropy();
        var losses = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            Optimizer.ZeroGrad(model.TrainableWeights);
            var l = loss.Compute(model.Call(x, training: true), y);
            l.Backward();
            optimizer.Step(model.TrainableWeights);
            losses.Add(l.Item());
        }
        return losses;
    }

    [Theory]
    [InlineData(1, 4, 8)]
    [InlineData(3, 2, 16)]
    [InlineData(4, 2, 32)]
    public void UNet_Shapes_OutputHasTheInputSize(int depth, int filters, int size)
    {
        var model = UNet.Create(5, [3, size, size], depth, filters);
        var y = model.Call(Tensor.Zeros([2, 3, size, size]));
        Assert.Equal(new Shape(2, 5, size, size), y.Shape);
        Assert.NotNull(model.GetLayer($"encoder{depth}.conv2"));
        Assert.NotNull(model.GetLayer("decoder1.up"));
    }

    [Fact]
    public void UNet_SizeNotAMultipleOfTheDepth_Throws()
    {
        var e = Assert.Throws<FoveaException>(() => UNet.Create(2, [3, 20, 20], depth: 3));
        Assert.Contains("multiples of 2^depth = 8", e.Message);
        Assert.Contains("[3, 20, 20]", e.Message);
    }

    [Fact]
    public void UNet_FitOnSyntheticMasks_LowersTheLossAndReachesHighMeanIoU()
    {
        var (x, y) = HalfPlanes(8, 16);
        var model = UNet.Create(2, [3, 16, 16], depth: 2, filters: 4);
        model.Compile(new Adam(0.01), new PixelCrossentropy(), [new MeanIoU(2)]);
        // Masks [N, H, W] go through the several-tensor form (Dataset(x, y) takes labels [N] or [N, K] only).
        var history = model.Fit([x], [y], epochs: 15, batchSize: 4, verbose: 0);
        var loss = history["loss"];
        Assert.True(loss[^1] < 0.5 * loss[0], $"loss {loss[0]:F4} → {loss[^1]:F4}");
        // A linearly separable task: the confusion matrix over the data shows it is learnt.
        var matrix = new ConfusionMatrix(2);
        matrix.Update(model.Predict(x), y);
        Assert.True(matrix.MeanIoU > 0.9, $"mIoU {matrix.MeanIoU:F4}");
    }

    [Fact]
    public void UNet_SaveLoad_SameOutputs()
    {
        var (x, _) = HalfPlanes(2, 16);
        var model = UNet.Create(3, [3, 16, 16], depth: 2, filters: 4, batchNorm: true, seed: 3);
        var before = model.Predict(x);
        model.Save(_dir);
        var loaded = Model.Load(_dir);
        Assert.Equal(before.ToArray(), loaded.Predict(x).ToArray());
    }

    [Theory]
    [InlineData(UNetEncoder.ResNet18)]
    [InlineData(UNetEncoder.ResNet50)]
    [InlineData(UNetEncoder.MobileNetV3Large)]
    [InlineData(UNetEncoder.EfficientNetB0)]
    public void UNetWithEncoder_Shapes_OutputHasTheInputSize(UNetEncoder encoder)
    {
        var model = UNet.WithEncoder(4, [3, 64, 32], encoder);
        Assert.Equal(new Shape(2, 4, 64, 32), model.Call(Tensor.Zeros([2, 3, 64, 32])).Shape);
        // The deepest decoder level reads the stride-32 map, upsampled to stride 16.
        Assert.Equal(new Shape(256, 4, 2), model.GetLayer("decoder5.conv2").Output.Shape);
    }

    [Fact]
    public void UNetWithEncoder_TorchvisionClassifierStateDict_FillsTheEncoder()
    {
        var classifier = ModelZoo.Create("resnet18", classes: 10, inputShape: [3, 32, 32], seed: 5);
        string path = Path.Combine(_dir, "resnet18.safetensors");
        classifier.SaveStateDict(path);
        var model = UNet.WithEncoder(2, [3, 32, 32], UNetEncoder.ResNet18, seed: 6);

        var keys = model.LoadStateDict(path, strict: false);
        Assert.Equal(["fc.weight", "fc.bias"], keys.UnexpectedKeys);
        Assert.NotEmpty(keys.MissingKeys);
        Assert.All(keys.MissingKeys, k => Assert.True(k.StartsWith("decoder", StringComparison.Ordinal)
            || k.StartsWith("classifier", StringComparison.Ordinal), k));
        var loaded = model.StateDictEntries().ToDictionary(e => e.Name, e => e.Weight.ToArray());
        foreach (var (name, _, weight) in classifier.StateDictEntries().Where(e => !e.Name.StartsWith("fc.")))
            Assert.Equal(weight.ToArray(), loaded[name]);
    }

    [Fact]
    public void UNetWithEncoder_TrainingSteps_LowerTheLoss()
    {
        var (x, y) = HalfPlanes(2, 32);
        var model = UNet.WithEncoder(2, [3, 32, 32], UNetEncoder.ResNet18, [32, 16, 16, 8, 8], seed: 7);
        var losses = Train(model, x, y, steps: 6, learningRate: 1e-3);
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]:F4} → {losses[^1]:F4}");
    }

    [Fact]
    public void UNetWithEncoder_SizeNotAMultipleOf32_Throws()
    {
        var e = Assert.Throws<FoveaException>(() => UNet.WithEncoder(2, [3, 48, 40]));
        Assert.Contains("multiples of 32", e.Message);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void DeepLabV3Plus_ResNet50_OutputStride(int outputStride)
    {
        var model = DeepLabV3Plus.Create(4, [3, 33, 33], DeepLabBackbone.ResNet50, outputStride);
        var y = model.Call(Tensor.Zeros([1, 3, 33, 33]));
        Assert.Equal(new Shape(1, 4, 33, 33), y.Shape);
        // 33 → 17 (conv1) → 9 (maxpool, layer1: the low-level map) → 5 (layer2) → 3 (layer3, layer4) at stride 16.
        Assert.Equal(outputStride == 16 ? 3 : 5, model.GetLayer("aspp.convs.0.0").Output.Shape[1]);
        Assert.Equal(9, model.GetLayer("decoder.low.0").Output.Shape[1]);
        var rates = outputStride == 16 ? new[] { 6, 12, 18 } : [12, 24, 36];
        Assert.Equal(rates[2], ((Layers.Conv2D)model.GetLayer("aspp.convs.3.0")).DilationRate.Height);
    }

    [Fact]
    public void DeepLabV3Plus_MobileNetAtOutputStride8_Throws()
    {
        var e = Assert.Throws<FoveaException>(() =>
            DeepLabV3Plus.Create(2, [3, 32, 32], DeepLabBackbone.MobileNetV3Large, outputStride: 8));
        Assert.Contains("output stride 8", e.Message);
    }

    [Fact]
    public void DeepLabV3Plus_TrainsAtBatchSizeOne_LossFallsAndStaysFinite()
    {
        // torchvision's ASPP fails here (BatchNorm over one value per channel); ours has no BatchNorm in that branch.
        var (x, y) = HalfPlanes(1, 32);
        var model = DeepLabV3Plus.Create(2, [3, 32, 32], DeepLabBackbone.MobileNetV3Large, seed: 2);
        var losses = Train(model, x, y, steps: 8, learningRate: 1e-3);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]:F4} → {losses[^1]:F4}");
        Assert.All(model.TrainableWeights, w => Assert.All(w.ToArray(), v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void DeepLabV3Plus_SaveLoad_SameOutputs()
    {
        var (x, _) = HalfPlanes(2, 32);
        var model = DeepLabV3Plus.Create(3, [3, 32, 32], DeepLabBackbone.MobileNetV3Large, seed: 4);
        var before = model.Predict(x);
        model.Save(_dir);
        var loaded = Model.Load(_dir);
        Assert.Equal(before.ToArray(), loaded.Predict(x).ToArray());
    }
}
