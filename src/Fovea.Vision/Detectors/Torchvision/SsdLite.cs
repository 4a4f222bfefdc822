using Fovea.Autograd;
using Fovea.IO;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;
using static Fovea.Vision.Detectors.Torchvision.MobileNetV3Backbone;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>ssdlite320_mobilenet_v3_large</c> in eval mode (and its training losses, <see cref="Loss"/>),
/// with its <c>state_dict</c> names: images resized
/// to 320×320 and mapped to [−1, 1]; MobileNetV3-Large with the reduced tail (as torchvision builds it without a
/// pretrained backbone; BatchNorm ε = 1e-3 throughout) tapped after the expansion of block 13 (672 channels, stride
/// 16, <c>backbone.features.0.*</c>) and at its end (480 channels, <c>backbone.features.1.*</c>), four extra blocks
/// (1×1 → 3×3 depthwise stride 2 → 1×1, ReLU6; <c>backbone.extra.*</c>) to 512, 256, 256, 128 channels; an SSDLite
/// head per level (3×3 depthwise + BatchNorm + ReLU6, then a 1×1 convolution; <c>head.classification_head.*</c>,
/// <c>head.regression_head.*</c>); default boxes of <see cref="DefaultBoxGenerator"/> (ratios 2 and 3, scales 0.2 to
/// 0.95), decoded with <see cref="BoxCoder.Ssd"/>. Postprocessing per image: softmax; boxes clipped; per class the
/// candidates above the threshold, the <see cref="SsdLiteOptions.TopKCandidates"/> best; NMS per class; the first
/// <see cref="SsdLiteOptions.DetectionsPerImage"/>; boxes mapped back to the original size.
/// </summary>
public sealed class SsdLite
{
    private const float Epsilon = 1e-3f;
    private readonly TorchParameters _weights;
    private readonly MobileNetV3Backbone _body;
    private readonly List<Func<Tensor, Tensor>> _extra = [];
    private readonly List<Func<Tensor, Tensor>> _classification = [], _regression = [];
    private readonly DefaultBoxGenerator _anchors =
        new(Enumerable.Repeat<IReadOnlyList<float>>([2f, 3f], 6).ToList(), minRatio: 0.2, maxRatio: 0.95);
    private readonly BoxCoder _coder = BoxCoder.Ssd();

    private SsdLite(SsdLiteOptions options, int seed)
    {
        if (options.NumClasses < 2)
            throw new FoveaException($"ssdlite320_mobilenet_v3_large: NumClasses counts the background and must be " +
                $"at least 2, received {options.NumClasses}");
        Options = options;
        Transform = new GeneralizedRcnnTransform(320, 320, options.ImageMean, options.ImageStd, sizeDivisible: 1,
            fixedSize: (320, 320));
        _weights = new TorchParameters("ssdlite320_mobilenet_v3_large", seed);
        var w = _weights;
        _body = new MobileNetV3Backbone(w, Rename, Epsilon, reducedTail: true);
        int[] channels = [_body.ExpandedChannels(13), _body.Channels(16), 512, 256, 256, 128];
        for (int i = 0; i < 4; i++)
            _extra.Add(ExtraBlock(w, $"backbone.extra.{i}", channels[i + 1], channels[i + 2]));
        for (int i = 0; i < channels.Length; i++)
        {
            int a = _anchors.AnchorsPerLocation[i];
            _classification.Add(PredictionBlock(w, $"head.classification_head.module_list.{i}", channels[i],
                a * options.NumClasses));
            _regression.Add(PredictionBlock(w, $"head.regression_head.module_list.{i}", channels[i], a * 4));
        }
    }

    /// <summary>The options it was built with.</summary>
    public SsdLiteOptions Options { get; }

    /// <summary>The pre-processing (normalise, resize to 320×320, batch).</summary>
    public GeneralizedRcnnTransform Transform { get; }

    /// <summary>Builds the model (without pretrained weights; load them with <see cref="LoadStateDict(string)"/>).
    /// </summary>
    /// <param name="options">Keyword arguments; null for the builder's defaults.</param>
    /// <param name="seed">Seed of the initial weights (uniform, variance 1/fan_in; BatchNorm identity).</param>
    public static SsdLite MobileNetV3Large320(SsdLiteOptions? options = null, int seed = 0) =>
        new(options ?? new SsdLiteOptions(), seed);

    /// <summary>Every weight and BatchNorm statistic under its torchvision state-dict name.</summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> StateDict() => _weights.Entries;

    /// <summary>Copies a torchvision state dict into the model (every name present with its shape, no other except
    /// <c>num_batches_tracked</c>).</summary>
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
        var features = _body.Call(batch, ["13.0", "16"]).ToList();
        foreach (var block in _extra)
            features.Add(block(features[^1]));
        int n = batch.Shape[0], k = Options.NumClasses;
        var logits = Flatten(features, _classification, k);
        var deltas = Flatten(features, _regression, 4);
        var anchors = _anchors.Generate(batch.Shape[2], batch.Shape[3],
            features.Select(f => (f.Shape[2], f.Shape[3])).ToList());
        int m = anchors.Shape[0];
        var result = new List<Detections>();
        for (int img = 0; img < n; img++)
        {
            var codes = Slice(deltas, [img], [img + 1], [0], [1]);
            var boxes = _coder.Decode(Reshape(codes, m, 4), anchors).AsReadOnlySpan();
            var scores = Softmax(Reshape(Slice(logits, [img], [img + 1], [0], [1]), m, k), -1).AsReadOnlySpan();
            var d = Postprocess(boxes, scores, m, sizes[img]);
            result.Add(d with
            {
                Boxes = GeneralizedRcnnTransform.Postprocess(d.Boxes, sizes[img],
                    (images[img].Shape[1], images[img].Shape[2])),
            });
        }
        return result;
    }

    /// <summary>
    /// The training-mode losses of torchvision's SSD (<c>model(images, targets)</c>, BatchNorm on its running
    /// statistics): default boxes matched to the ground truth (IoU ≥ 0.5, and each box's best default box, the later
    /// box winning a shared one); <c>bbox_regression</c> = smooth L1 (β = 1) of the matched boxes' deltas against the
    /// encoded ground truth (weights 10, 10, 5, 5), summed; <c>classification</c> = softmax cross-entropy of the
    /// matched boxes plus, per image, of the 3 × (its matches) unmatched boxes with the highest cross-entropy (hard
    /// negative mining), summed; both divided by max(1, matches). No sampling: deterministic as torchvision's.
    /// </summary>
    /// <param name="images">Images [3, H_i, W_i] with values in [0, 1].</param>
    /// <param name="boxes">Per image, ground-truth boxes [G_i, 4] (x1, y1, x2, y2) in its pixels.</param>
    /// <param name="labels">Per image, the G_i classes (1 … NumClasses − 1).</param>
    public (Tensor BoxRegression, Tensor Classification) Loss(IReadOnlyList<Tensor> images,
        IReadOnlyList<Tensor> boxes, IReadOnlyList<int[]> labels)
    {
        int k = Options.NumClasses;
        if (boxes.Count != images.Count || labels.Count != images.Count)
            throw new FoveaException($"ssdlite320_mobilenet_v3_large: expected one box tensor and one label array " +
                $"per image ({images.Count}), received {boxes.Count} and {labels.Count}");
        for (int i = 0; i < boxes.Count; i++)
        {
            if (boxes[i].Rank != 2 || boxes[i].Shape[1] != 4 || labels[i].Length != boxes[i].Shape[0] ||
                labels[i].Any(l => l < 1 || l >= k))
                throw new FoveaException($"ssdlite320_mobilenet_v3_large: image {i}: expected boxes [G, 4] and G " +
                    $"labels in [1, {k - 1}], received {boxes[i].Shape} and [{string.Join(", ", labels[i])}]");
        }
        var (batch, sizes) = Transform.Apply(images);
        var features = _body.Call(batch, ["13.0", "16"]).ToList();
        foreach (var block in _extra)
            features.Add(block(features[^1]));
        int n = batch.Shape[0];
        var logits = Reshape(Flatten(features, _classification, k), -1, k);
        var deltas = Reshape(Flatten(features, _regression, 4), -1, 4);
        var anchors = _anchors.Generate(batch.Shape[2], batch.Shape[3],
            features.Select(f => (f.Shape[2], f.Shape[3])).ToList());
        int m = anchors.Shape[0];
        var logitValues = logits.ToArray();
        var boxLosses = new List<Tensor>();
        var rows = new List<int>();
        var targets = new List<float>();
        int foregroundCount = 0;
        for (int img = 0; img < n; img++)
        {
            var gt = GeneralizedRcnnTransform.Postprocess(boxes[img], (images[img].Shape[1], images[img].Shape[2]),
                sizes[img]);
            var iou = Boxes.Iou(gt, anchors);
            var matches = TrainingTargets.Match(iou, 0.5f, 0.5f, allowLowQuality: false);
            var q = iou.AsReadOnlySpan();
            for (int g = 0; g < gt.Shape[0]; g++)
            {
                int best = 0;
                for (int j = 1; j < m; j++)
                {
                    if (q[g * m + j] > q[g * m + best])
                        best = j;
                }
                matches[best] = g;
            }
            var foreground = Enumerable.Range(0, m).Where(i => matches[i] >= 0).ToArray();
            foregroundCount += foreground.Length;
            var target = _coder.Encode(TrainingTargets.Rows(gt, foreground.Select(i => matches[i]).ToList()),
                TrainingTargets.Rows(anchors, foreground));
            var predicted = Gather(deltas, 0, foreground.Select(i => img * m + i).ToArray(), [foreground.Length]);
            boxLosses.Add(TrainingTargets.SmoothL1Sum(predicted, target, 1f));
            // Hard negatives: the 3·|foreground| unmatched boxes of highest cross-entropy against the background.
            var negatives = Enumerable.Range(0, m).Where(i => matches[i] < 0)
                .Select(i => (Index: i, Loss: BackgroundCrossEntropy(logitValues.AsSpan((img * m + i) * k, k))))
                .OrderByDescending(p => p.Loss).Take(3 * foreground.Length).Select(p => p.Index);
            foreach (int i in foreground)
            {
                rows.Add(img * m + i);
                targets.Add(labels[img][matches[i]]);
            }
            foreach (int i in negatives)
            {
                rows.Add(img * m + i);
                targets.Add(0f);
            }
        }
        var count = Tensor.Scalar(Math.Max(1, foregroundCount));
        var chosen = Gather(logits, 0, [.. rows], [rows.Count]);
        var classification = Multiply(SoftmaxCrossEntropy(chosen, Tensor.Wrap([.. targets], [rows.Count])),
            (float)rows.Count);
        return (Divide(AddN(boxLosses), count), Divide(classification, count));
    }

    /// <summary>−log softmax(logits)[0], in double.</summary>
    private static double BackgroundCrossEntropy(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits)
            max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits)
            sum += Math.Exp(v - max);
        return max + Math.Log(sum) - logits[0];
    }

    private Detections Postprocess(ReadOnlySpan<float> decoded, ReadOnlySpan<float> scores, int m,
        (int Height, int Width) size)
    {
        int k = Options.NumClasses;
        var boxes = new float[4 * m];
        for (int i = 0; i < 4 * m; i++)
            boxes[i] = Math.Clamp(decoded[i], 0, i % 2 == 0 ? size.Width : size.Height);
        var candidates = new List<(int Anchor, float Score, int Label)>();
        for (int label = 1; label < k; label++)
        {
            var above = new List<(int, float)>();
            for (int i = 0; i < m; i++)
            {
                if (scores[i * k + label] > Options.ScoreThreshold)
                    above.Add((i, scores[i * k + label]));
            }
            foreach (var (i, s) in above.OrderByDescending(p => p.Item2).Take(Options.TopKCandidates))
                candidates.Add((i, s, label));
        }
        var cb = new float[4 * candidates.Count];
        for (int j = 0; j < candidates.Count; j++)
            Array.Copy(boxes, 4 * candidates[j].Anchor, cb, 4 * j, 4);
        var keep = Boxes.BatchedNms(Tensor.Wrap(cb, [candidates.Count, 4]),
            Tensor.Wrap(candidates.Select(c => c.Score).ToArray(), [candidates.Count]),
            candidates.Select(c => c.Label).ToArray(), Options.NmsThreshold);
        keep = keep.Take(Options.DetectionsPerImage).ToArray();
        var kb = new float[4 * keep.Length];
        for (int j = 0; j < keep.Length; j++)
            Array.Copy(cb, 4 * keep[j], kb, 4 * j, 4);
        return new Detections(Tensor.Wrap(kb, [keep.Length, 4]), keep.Select(j => candidates[j].Label).ToArray(),
            keep.Select(j => candidates[j].Score).ToArray());
    }

    /// <summary>Head outputs [N, A·c, H, W] per level → [N, Σ H·W·A, c], ordered (level, row, column, anchor).
    /// </summary>
    private static Tensor Flatten(List<Tensor> features, List<Func<Tensor, Tensor>> heads, int c)
    {
        var parts = new List<Tensor>();
        for (int l = 0; l < features.Count; l++)
        {
            var y = heads[l](features[l]);
            int n = y.Shape[0], a = y.Shape[1] / c, h = y.Shape[2], w = y.Shape[3];
            parts.Add(Reshape(Permute(Reshape(y, n, a, c, h, w), 0, 3, 4, 1, 2), n, h * w * a, c));
        }
        return Concat(parts, 1);
    }

    /// <summary>torchvision's names for the split backbone: features 0–12 and the expansion of block 13 under
    /// <c>backbone.features.0</c>; the rest of block 13 (parts keep their indices) and features 14–16 under
    /// <c>backbone.features.1</c>.</summary>
    private static string Rename(int i, int? k) => (i, k) switch
    {
        ( < 13, null) => $"backbone.features.0.{i}",
        ( < 13, _) => $"backbone.features.0.{i}.block.{k}",
        (13, 0) => "backbone.features.0.13",
        (13, _) => $"backbone.features.1.0.{k}",
        (_, null) => $"backbone.features.1.{i - 13}",
        _ => $"backbone.features.1.{i - 13}.block.{k}",
    };

    private static Func<Tensor, Tensor> ExtraBlock(TorchParameters w, string prefix, int inChannels, int outChannels)
    {
        int mid = outChannels / 2;
        var a = ConvNormActivation(w, prefix + ".0", inChannels, mid, 1, 1, 1, Act.Relu6, Epsilon);
        var b = ConvNormActivation(w, prefix + ".1", mid, mid, 3, 2, mid, Act.Relu6, Epsilon);
        var c = ConvNormActivation(w, prefix + ".2", mid, outChannels, 1, 1, 1, Act.Relu6, Epsilon);
        return x => c(b(a(x)));
    }

    private static Func<Tensor, Tensor> PredictionBlock(TorchParameters w, string prefix, int inChannels,
        int outChannels)
    {
        var dw = ConvNormActivation(w, prefix + ".0", inChannels, inChannels, 3, 1, inChannels, Act.Relu6, Epsilon);
        var kernel = w.Weight(prefix + ".1.weight", outChannels, inChannels, 1, 1);
        var bias = w.Bias(prefix + ".1.bias", outChannels);
        return x => Conv2D(dw(x), kernel, bias);
    }
}
