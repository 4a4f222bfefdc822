using Fovea.Examples.Segmentation;
using Fovea.Layers;
using Fovea.Tensors;
using Fovea.Vision.Datasets;
using Fovea.Vision.Segmentation;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/Segmentation (the walkthrough's section 4.2): the U-Net has one skip connection per level and the
/// DeepLab its atrous convolutions and ASPP branches; both give one logit per class and pixel, and on a few tiny
/// generated images they train (the loss falls) and score an mIoU in [0, 1]. The real run (README) is not a test.
/// </summary>
public sealed class SegmentationExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-segexample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void BuildUNet_HasASkipConnectionPerLevelAndPixelLogits()
    {
        var model = SegmentationExample.BuildUNet(classes: 5, size: 32, filters: 4, depth: 3);
        Assert.Equal(3, model.Layers.OfType<Concatenate>().Count());
        Assert.Equal(3, model.Layers.OfType<MaxPooling2D>().Count());
        Assert.Equal(3, model.Layers.OfType<Conv2DTranspose>().Count());
        Assert.Equal([2, 5, 32, 32], model.Predict(Tensor.Zeros([2, 3, 32, 32])).Shape.ToArray());
    }

    [Fact]
    public void BuildDeepLab_HasAtrousConvolutionsAndAnAsppBranchPerRate()
    {
        var model = SegmentationExample.BuildDeepLab(classes: 4, size: 32, filters: 8, rates: [2, 3, 5]);
        var dilations = model.Layers.OfType<Conv2D>().Select(c => c.DilationRate.Height).ToList();
        Assert.Equal([1, 1, 1, 2, 2, 1, 2, 3, 5, 1, 1, 1], dilations);
        Assert.Single(model.Layers.OfType<GlobalAveragePooling2D>());
        Assert.Equal([1, 4, 32, 32], model.Predict(Tensor.Zeros([1, 3, 32, 32])).Shape.ToArray());
    }

    [Fact]
    public void TrainAndEvaluate_TinyGeneratedImages_LossFallsAndMIoUIsAFraction()
    {
        FashionDetection.Generate(_dir, 16, 4, seed: 1, new FashionDetectionOptions
        {
            CanvasWidth = 32, CanvasHeight = 32, MinObjectSize = 8, MaxObjectSize = 24, MaxObjects = 3,
        });
        var train = SegmentationFolder.Load(Path.Combine(_dir, "train"));
        var val = SegmentationFolder.Load(Path.Combine(_dir, "val"));
        foreach (var model in new[] { SegmentationExample.BuildUNet(11, 32, filters: 4, depth: 2),
            SegmentationExample.BuildDeepLab(11, 32, filters: 8) })
        {
            var r = SegmentationExample.TrainAndEvaluate(model, train, val, classes: 11, epochs: 4, batchSize: 4);
            var loss = r.History["loss"];
            Assert.True(loss[^1] < loss[0], $"{model.Name}: training loss {string.Join(", ", loss)} did not fall");
            Assert.InRange(r.MeanIoU, 0, 1);
            Assert.Equal(11, r.PerClassIoU.Length);
        }
    }
}
