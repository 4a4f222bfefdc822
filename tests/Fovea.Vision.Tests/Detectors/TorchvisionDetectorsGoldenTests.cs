using Fovea.Tests.Models;
using Fovea.Vision.Detectors.Torchvision;
using static Fovea.Autograd.Functional;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Vision.Tests.Detectors;

/// <summary>
/// The torchvision detectors against torchvision 0.14 in eval mode (<c>tests/golden/detectors.safetensors</c>, written
/// by <c>tools/golden/make_detectors_golden.py</c>): the same generated weights and images, the same constructor
/// arguments; same number of detections, same labels, same score order, boxes and scores within tolerance.
/// </summary>
public sealed class TorchvisionDetectorsGoldenTests(ITestOutputHelper output)
{
    private const string File = DetectorGolden.File;

    [Fact]
    public void Images_Generated_MatchScript()
    {
        var g = Golden.Load(File);
        for (int i = 0; i < 2; i++)
        {
            var stored = g.Get($"image.{i}");
            g.Close($"image.{i}", ZooWeights.Image($"image.{i}", stored.Shape), 0, 0);
        }
    }

    [Fact]
    public void MobileNetV3LargeFpn_GeneratedWeights_MatchesTorchvision()
    {
        const string name = "fasterrcnn_mobilenet_v3_large_fpn";
        var g = Golden.Load(File);
        var p = g.Params(name);
        var kwargs = p["kwargs"]!.AsObject();
        var options = new FasterRcnnOptions
        {
            NumClasses = kwargs["num_classes"]!.GetValue<int>(),
            MinSize = kwargs["min_size"]!.GetValue<int>(),
            MaxSize = kwargs["max_size"]!.GetValue<int>(),
            BoxScoreThreshold = kwargs["box_score_thresh"]!.GetValue<float>(),
            RpnScoreThreshold = 0.05f,
        };
        var model = FasterRcnn.MobileNetV3LargeFpn(options);
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var detections = model.Detect(images);
        for (int i = 0; i < images.Count; i++)
        {
            g.Close($"{name}.{i}.proposals", model.LastProposals![i], 1e-3, 1e-4, output);
            DetectorGolden.Compare(g, $"{name}.{i}", detections[i], output);
        }
    }

    [Fact]
    public void SsdLite320_GeneratedWeights_MatchesTorchvision()
    {
        const string name = "ssdlite320_mobilenet_v3_large";
        var g = Golden.Load(File);
        var kwargs = g.Params(name)["kwargs"]!.AsObject();
        var model = SsdLite.MobileNetV3Large320(new SsdLiteOptions
        {
            NumClasses = kwargs["num_classes"]!.GetValue<int>(),
            ScoreThreshold = kwargs["score_thresh"]!.GetValue<float>(),
            DetectionsPerImage = kwargs["detections_per_img"]!.GetValue<int>(),
        });
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var detections = model.Detect(images);
        for (int i = 0; i < images.Count; i++)
            DetectorGolden.Compare(g, $"{name}.{i}", detections[i], output);
    }

    [Fact]
    public void RetinaNetResNet50Fpn_GeneratedWeights_MatchesTorchvision()
    {
        const string name = "retinanet_resnet50_fpn";
        var g = Golden.Load(File);
        var kwargs = g.Params(name)["kwargs"]!.AsObject();
        var model = RetinaNet.ResNet50Fpn(new RetinaNetOptions
        {
            NumClasses = kwargs["num_classes"]!.GetValue<int>(),
            MinSize = kwargs["min_size"]!.GetValue<int>(),
            MaxSize = kwargs["max_size"]!.GetValue<int>(),
            ScoreThreshold = kwargs["score_thresh"]!.GetValue<float>(),
            DetectionsPerImage = kwargs["detections_per_img"]!.GetValue<int>(),
        });
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var detections = model.Detect(images);
        for (int i = 0; i < images.Count; i++)
            DetectorGolden.Compare(g, $"{name}.{i}", detections[i], output);
    }

    /// <summary>Training-mode losses with sampling that keeps every candidate (deterministic in torchvision), BatchNorm
    /// on its running statistics. Tolerance: relative 1e-4 (sums over ~1,000 sampled anchors/proposals in float32;
    /// a changed match or sample would move a loss by far more).</summary>
    [Fact]
    public void MobileNetV3LargeFpn_TrainingLosses_MatchTorchvision()
    {
        const string name = "fasterrcnn_mobilenet_v3_large_fpn";
        var g = Golden.Load(File);
        var kwargs = g.Params(name)["kwargs"]!.AsObject();
        var lossArgs = g.Params(name + ".losses");
        var model = FasterRcnn.MobileNetV3LargeFpn(new FasterRcnnOptions
        {
            NumClasses = kwargs["num_classes"]!.GetValue<int>(),
            MinSize = kwargs["min_size"]!.GetValue<int>(),
            MaxSize = kwargs["max_size"]!.GetValue<int>(),
            BoxScoreThreshold = kwargs["box_score_thresh"]!.GetValue<float>(),
            RpnScoreThreshold = 0.05f,
            RpnBatchSizePerImage = lossArgs["rpn_batch_size_per_image"]!.GetValue<int>(),
            BoxBatchSizePerImage = lossArgs["box_batch_size_per_image"]!.GetValue<int>(),
        });
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var boxes = Enumerable.Range(0, 2).Select(i => g.Get($"target.{i}.boxes")).ToList();
        var labels = Enumerable.Range(0, 2).Select(i => g.Ints($"target.{i}.labels")).ToList();
        var losses = model.Loss(images, boxes, labels);
        losses.Total.Backward();
        DetectorGolden.Gradients(g, name, model.StateDict(), output);
        foreach (var (key, actual) in new[] { ("loss_classifier", losses.Classifier),
            ("loss_box_reg", losses.BoxRegression), ("loss_objectness", losses.Objectness),
            ("loss_rpn_box_reg", losses.RpnBoxRegression) })
        {
            g.Close($"{name}.loss.{key}", Reshape(actual, 1), 1e-6, 1e-4, output);
        }
    }

    /// <summary>RetinaNet's training-mode losses (no sampling), BatchNorm on its running statistics. Tolerance:
    /// relative 1e-4 (focal-loss sums over ~10,000 anchor-class pairs in float32).</summary>
    [Fact]
    public void RetinaNetResNet50Fpn_TrainingLosses_MatchTorchvision()
    {
        const string name = "retinanet_resnet50_fpn";
        var g = Golden.Load(File);
        var kwargs = g.Params(name)["kwargs"]!.AsObject();
        var model = RetinaNet.ResNet50Fpn(new RetinaNetOptions
        {
            NumClasses = kwargs["num_classes"]!.GetValue<int>(),
            MinSize = kwargs["min_size"]!.GetValue<int>(),
            MaxSize = kwargs["max_size"]!.GetValue<int>(),
        });
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var boxes = Enumerable.Range(0, 2).Select(i => g.Get($"target.{i}.boxes")).ToList();
        var labels = Enumerable.Range(0, 2).Select(i => g.Ints($"target.{i}.labels")).ToList();
        var (classification, regression) = model.Loss(images, boxes, labels);
        Add(classification, regression).Backward();
        DetectorGolden.Gradients(g, name, model.StateDict(), output);
        g.Close($"{name}.loss.classification", Reshape(classification, 1), 1e-6, 1e-4, output);
        g.Close($"{name}.loss.bbox_regression", Reshape(regression, 1), 1e-6, 1e-4, output);
    }

    [Fact]
    public void LoadStateDict_MissingEntry_ThrowsNamingIt()
    {
        var model = SsdLite.MobileNetV3Large320(new SsdLiteOptions { NumClasses = 3 });
        var state = model.StateDict().Skip(1).ToDictionary(kv => kv.Key, kv => (Fovea.Tensors.Tensor)kv.Value);
        var e = Assert.Throws<FoveaException>(() => model.LoadStateDict(state));
        Assert.Contains(model.StateDict()[0].Key, e.Message);
    }

    [Fact]
    public void Detect_WrongChannelCount_ThrowsWithShape()
    {
        var model = FasterRcnn.MobileNetV3LargeFpn(
            new FasterRcnnOptions { NumClasses = 3, MinSize = 64, MaxSize = 64 });
        var e = Assert.Throws<FoveaException>(() => model.Detect([Fovea.Tensors.Tensor.Zeros([1, 32, 32])]));
        Assert.Contains("[1, 32, 32]", e.Message);
    }

    /// <summary>SSDLite's training-mode losses (hard negative mining, no sampling), BatchNorm on its running
    /// statistics. Tolerance: relative 1e-4 (float32 sums over the matched and mined boxes).</summary>
    [Fact]
    public void SsdLite320_TrainingLosses_MatchTorchvision()
    {
        const string name = "ssdlite320_mobilenet_v3_large";
        var g = Golden.Load(File);
        var kwargs = g.Params(name)["kwargs"]!.AsObject();
        var model = SsdLite.MobileNetV3Large320(
            new SsdLiteOptions { NumClasses = kwargs["num_classes"]!.GetValue<int>() });
        model.LoadStateDict(DetectorGolden.StateDict(g, name));
        var images = Enumerable.Range(0, 2).Select(i => g.Get($"image.{i}")).ToList();
        var boxes = Enumerable.Range(0, 2).Select(i => g.Get($"target.{i}.boxes")).ToList();
        var labels = Enumerable.Range(0, 2).Select(i => g.Ints($"target.{i}.labels")).ToList();
        var (regression, classification) = model.Loss(images, boxes, labels);
        Add(classification, regression).Backward();
        DetectorGolden.Gradients(g, name, model.StateDict(), output);
        g.Close($"{name}.loss.bbox_regression", Reshape(regression, 1), 1e-6, 1e-4, output);
        g.Close($"{name}.loss.classification", Reshape(classification, 1), 1e-6, 1e-4, output);
    }

    /// <summary>No proposal passes the RPN threshold (no score reaches SSD's or RetinaNet's): every image gets an empty
    /// result of shape [0, 4], as torchvision returns.</summary>
    [Fact]
    public void Detect_NoProposals_ReturnsEmptyDetections()
    {
        var model = FasterRcnn.MobileNetV3LargeFpn(
            new FasterRcnnOptions { NumClasses = 3, MinSize = 64, MaxSize = 64, RpnScoreThreshold = 1.1f });
        var detections = model.Detect(
            [Fovea.Tensors.Tensor.Zeros([3, 48, 64]), Fovea.Tensors.Tensor.Zeros([3, 64, 64])]);
        var ssd = SsdLite.MobileNetV3Large320(new SsdLiteOptions { NumClasses = 3, ScoreThreshold = 1f });
        var retina = RetinaNet.ResNet50Fpn(new RetinaNetOptions
        {
            NumClasses = 3, MinSize = 64, MaxSize = 64, ScoreThreshold = 1f,
        });
        var image = Fovea.Tensors.Tensor.Zeros([3, 48, 64]);
        Assert.All([.. detections, .. ssd.Detect([image]), .. retina.Detect([image])], d =>
        {
            Assert.Equal(0, d.Count);
            Assert.Equal(new Fovea.Tensors.Shape(0, 4), d.Boxes.Shape);
        });
    }
}
