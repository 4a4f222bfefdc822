using Fovea.Autograd;
using Fovea.IO;
using Fovea.Tensors;
using Fovea.Vision.Ops;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's Faster R-CNN (<c>torchvision.models.detection.FasterRCNN</c>) in eval mode (and its training losses,
/// <see cref="Loss"/>), with its
/// <c>state_dict</c> names so that a torchvision state dict (saved as safetensors) loads one to one:
/// <see cref="GeneralizedRcnnTransform"/> → backbone with FPN (<c>backbone.body.*</c>, <c>backbone.fpn.*</c>) →
/// region proposal network (<c>rpn.head.*</c>) → RoI heads (<c>roi_heads.*</c>) → boxes mapped back to each original
/// image. <see cref="Detect"/> gives torchvision's detections (same labels, same score order, boxes within float32
/// rounding; see <c>src/Fovea.Vision/README.md</c> for the measured differences).
/// </summary>
public sealed partial class FasterRcnn
{
    private readonly TorchParameters _weights;
    private readonly Func<Tensor, IReadOnlyList<Tensor>> _backbone;
    private readonly int _pooledLevels;
    private readonly RegionProposalNetwork _rpn;
    private readonly RoiHeads _roiHeads;
    private readonly Random _random;

    private FasterRcnn(string name, FasterRcnnOptions options, TorchParameters weights,
        Func<Tensor, IReadOnlyList<Tensor>> backbone, int pooledLevels, AnchorGenerator anchors, int channels, int seed)
    {
        if (options.NumClasses < 2)
            throw new FoveaException($"{name}: NumClasses counts the background and must be at least 2, received " +
                $"{options.NumClasses}");
        Name = name;
        Options = options;
        Transform = new GeneralizedRcnnTransform(options.MinSize, options.MaxSize, options.ImageMean, options.ImageStd);
        _weights = weights;
        _backbone = backbone;
        _pooledLevels = pooledLevels;
        _rpn = new RegionProposalNetwork(weights, channels, anchors, options);
        _roiHeads = new RoiHeads(weights, channels, options);
        _random = new Random(seed);
    }

    /// <summary>The torchvision builder this model mirrors.</summary>
    public string Name { get; }

    /// <summary>The options it was built with.</summary>
    public FasterRcnnOptions Options { get; }

    /// <summary>The pre-processing (normalise, resize, batch).</summary>
    public GeneralizedRcnnTransform Transform { get; }

    /// <summary>
    /// torchvision's <c>fasterrcnn_mobilenet_v3_large_fpn</c> (without pretrained weights; load them with
    /// <see cref="LoadStateDict(string)"/>): MobileNetV3-Large features with BatchNorm ε = 1e-5 (evaluated with its
    /// running statistics, as <c>FrozenBatchNorm2d</c>), an FPN of 256 channels over the outputs of
    /// <c>features.13</c> and <c>features.16</c> (both stride 32) plus the max-pooled level, anchors of sizes 32–512 ×
    /// ratios 0.5, 1, 2 on each of the three levels, RoIAlign on the two FPN levels. <paramref name="options"/>
    /// default to the builder's (torchvision's defaults with <c>rpn_score_thresh</c> 0.05).
    /// </summary>
    /// <param name="options">Keyword arguments; null for the builder's defaults.</param>
    /// <param name="seed">Seed of the initial weights (uniform, variance 1/fan_in; BatchNorm identity).</param>
    public static FasterRcnn MobileNetV3LargeFpn(FasterRcnnOptions? options = null, int seed = 0)
    {
        options ??= new FasterRcnnOptions { RpnScoreThreshold = 0.05f };
        var w = new TorchParameters("fasterrcnn_mobilenet_v3_large_fpn", seed);
        var body = new MobileNetV3Backbone(w,
            (i, k) => k is null ? $"backbone.body.{i}" : $"backbone.body.{i}.block.{k}", 1e-5f);
        // torchvision's _mobilenet_extractor: stages = [0, strided blocks..., last]; returned_layers = the last two.
        int[] stages = [0, .. MobileNetV3Backbone.StridedBlocks(), body.Count - 1];
        int[] returned = [stages[^2], stages[^1]];
        string[] taps = returned.Select(i => $"{i}").ToArray();
        FeaturePyramidNetwork fpn;
        using (Layers.Layer.Seeded(seed))
            fpn = new FeaturePyramidNetwork(returned.Select(body.Channels).ToList(), 256);
        foreach (var (name, p) in fpn.StateDict())
            w.Register("backbone.fpn." + name, p);
        float[] sizes = [32, 64, 128, 256, 512];
        float[] ratios = [0.5f, 1f, 2f];
        var anchors = new AnchorGenerator([sizes, sizes, sizes], [ratios, ratios, ratios]);
        return new FasterRcnn("fasterrcnn_mobilenet_v3_large_fpn", options, w,
            x => fpn.Call(body.Call(x, taps)), pooledLevels: 2, anchors, 256, seed);
    }

    /// <summary>Every weight and BatchNorm statistic under its torchvision state-dict name.</summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> StateDict() => _weights.Entries;

    /// <summary>Copies a torchvision state dict into the model: every name must be present with its shape, and no
    /// other (except BatchNorm's <c>num_batches_tracked</c>).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state) => _weights.Load(state);

    /// <summary>Loads a torchvision state dict saved as safetensors.</summary>
    public void LoadStateDict(string path)
    {
        var (tensors, _) = Safetensors.Load(path);
        _weights.Load(tensors.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>
    /// The detections of each image (eval mode), as torchvision's <c>model(images)</c> returns them.
    /// Shape: images [3, H_i, W_i] with values in [0, 1] → one <see cref="Detections"/> per image, boxes in the
    /// image's own pixels.
    /// </summary>
    public IReadOnlyList<Detections> Detect(IReadOnlyList<Tensor> images)
    {
        using var _ = GradMode.NoGrad();
        var (batch, sizes) = Transform.Apply(images);
        var features = _backbone(batch);
        var proposals = _rpn.Call(features, batch.Shape[2], batch.Shape[3], sizes);
        var detections = _roiHeads.Call(features.Take(_pooledLevels).ToList(),
            proposals.Select(p => p.Boxes).ToList(), sizes);
        LastProposals = proposals.Select(p => p.Boxes).ToList();
        return detections.Select((d, i) => d with
        {
            Boxes = GeneralizedRcnnTransform.Postprocess(d.Boxes, sizes[i], (images[i].Shape[1], images[i].Shape[2])),
        }).ToList();
    }

    /// <summary>The RPN's proposals of the last <see cref="Detect"/> call, per image (resized-image pixels), for
    /// inspection.</summary>
    public IReadOnlyList<Tensor>? LastProposals { get; private set; }
}
