using Fovea.Autograd;
using Fovea.IO;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>retinanet_resnet50_fpn</c> in eval mode (<see cref="Detect"/>) and its training losses
/// (<see cref="Loss"/>), with its <c>state_dict</c> names: <see cref="GeneralizedRcnnTransform"/>; ResNet-50
/// (<c>backbone.body.*</c>, BatchNorm ε <see cref="RetinaNetOptions.BatchNormEpsilon"/> with running statistics)
/// whose layer2–layer4 feed an FPN of 256 channels (<c>backbone.fpn.*</c>) with torchvision's
/// <c>LastLevelP6P7</c> (P6 = 3×3 stride-2 convolution of P5, P7 = the same of ReLU(P6)); anchors of sizes
/// (s, ⌊s·2^(1/3)⌋, ⌊s·2^(2/3)⌋) for s = 32…512 × ratios 0.5, 1, 2 (9 per cell); a head shared by the levels: four
/// 3×3 convolutions + ReLU then a 3×3 convolution to A·K class logits (<c>head.classification_head.*</c>) or A·4 box
/// deltas (<c>head.regression_head.*</c>), decoded with weights (1, 1, 1, 1). Postprocessing per image and level:
/// sigmoid scores of every (anchor, class) above the threshold, the <see cref="RetinaNetOptions.TopKCandidates"/>
/// best, boxes decoded and clipped; then NMS per class over the levels and the first
/// <see cref="RetinaNetOptions.DetectionsPerImage"/>, mapped back to each original image.
/// </summary>
public sealed class RetinaNet
{
    private readonly TorchParameters _weights;
    private readonly ResNetBackbone _body;
    private readonly FeaturePyramidNetwork _fpn;
    private readonly Parameter _p6, _p6Bias, _p7, _p7Bias;
    private readonly Func<Tensor, Tensor> _classification, _regression;
    private readonly AnchorGenerator _anchors;
    private readonly BoxCoder _coder = new((1f, 1f, 1f, 1f));

    private RetinaNet(RetinaNetOptions options, int seed)
    {
        if (options.NumClasses < 1)
            throw new FoveaException(
                $"retinanet_resnet50_fpn: NumClasses must be positive, received {options.NumClasses}");
        Options = options;
        Transform = new GeneralizedRcnnTransform(options.MinSize, options.MaxSize, options.ImageMean, options.ImageStd);
        var w = _weights = new TorchParameters("retinanet_resnet50_fpn", seed);
        _body = new ResNetBackbone(w, "backbone.body.", [3, 4, 6, 3], options.BatchNormEpsilon);
        using (Layers.Layer.Seeded(seed))
            _fpn = new FeaturePyramidNetwork([.. new[] { 2, 3, 4 }.Select(ResNetBackbone.Channels)], 256,
                extraMaxPool: false);
        foreach (var (name, p) in _fpn.StateDict())
            w.Register("backbone.fpn." + name, p);
        _p6 = w.Weight("backbone.fpn.extra_blocks.p6.weight", 256, 256, 3, 3);
        _p6Bias = w.Bias("backbone.fpn.extra_blocks.p6.bias", 256);
        _p7 = w.Weight("backbone.fpn.extra_blocks.p7.weight", 256, 256, 3, 3);
        _p7Bias = w.Bias("backbone.fpn.extra_blocks.p7.bias", 256);
        var sizes = new[] { 32, 64, 128, 256, 512 }.Select(s => (IReadOnlyList<float>)
            [s, (int)(s * Math.Pow(2, 1.0 / 3)), (int)(s * Math.Pow(2, 2.0 / 3))]).ToList();
        _anchors = new AnchorGenerator(sizes, Enumerable.Repeat<IReadOnlyList<float>>([0.5f, 1f, 2f], 5).ToList());
        int a = _anchors.AnchorsPerLocation[0];
        _classification = Head(w, "head.classification_head", "cls_logits", a * options.NumClasses);
        _regression = Head(w, "head.regression_head", "bbox_reg", a * 4);
    }

    /// <summary>The options it was built with.</summary>
    public RetinaNetOptions Options { get; }

    /// <summary>The pre-processing (normalise, resize, batch).</summary>
    public GeneralizedRcnnTransform Transform { get; }

    /// <summary>Builds torchvision's <c>retinanet_resnet50_fpn</c> (without pretrained weights; load them with
    /// <see cref="LoadStateDict(string)"/>).</summary>
    /// <param name="options">Keyword arguments; null for torchvision's defaults.</param>
    /// <param name="seed">Seed of the initial weights (uniform, variance 1/fan_in; BatchNorm identity).</param>
    public static RetinaNet ResNet50Fpn(RetinaNetOptions? options = null, int seed = 0) =>
        new(options ?? new RetinaNetOptions(), seed);

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
        var features = Features(batch);
        var grids = features.Select(f => (f.Shape[2], f.Shape[3])).ToList();
        var anchors = _anchors.Generate(batch.Shape[2], batch.Shape[3], grids).AsReadOnlySpan();
        int k = Options.NumClasses, a = _anchors.AnchorsPerLocation[0];
        var logits = features.Select(f => Flatten(_classification(f), k).ToArray()).ToList();
        var deltas = features.Select(f => Flatten(_regression(f), 4).ToArray()).ToList();
        var result = new List<Detections>();
        for (int img = 0; img < batch.Shape[0]; img++)
        {
            var boxes = new List<float>();
            var scores = new List<float>();
            var labels = new List<int>();
            int anchorOffset = 0;
            for (int l = 0; l < features.Count; l++)
            {
                int m = grids[l].Item1 * grids[l].Item2 * a;
                var lg = logits[l].AsSpan(img * m * k, m * k);
                var above = new List<(int Index, float Score)>();
                for (int i = 0; i < lg.Length; i++)
                {
                    float s = 1f / (1f + MathF.Exp(-lg[i]));
                    if (s > Options.ScoreThreshold)
                        above.Add((i, s));
                }
                var top = above.OrderByDescending(p => p.Score).Take(Options.TopKCandidates).ToList();
                var codes = new float[4 * top.Count];
                var refs = new float[4 * top.Count];
                for (int j = 0; j < top.Count; j++)
                {
                    int anchor = top[j].Index / k;
                    Array.Copy(deltas[l], (img * m + anchor) * 4, codes, 4 * j, 4);
                    anchors.Slice(4 * (anchorOffset + anchor), 4).CopyTo(refs.AsSpan(4 * j));
                }
                var decoded = _coder.Decode(Tensor.Wrap(codes, [top.Count, 4]), Tensor.Wrap(refs, [top.Count, 4]))
                    .AsReadOnlySpan();
                for (int j = 0; j < top.Count; j++)
                {
                    for (int c = 0; c < 4; c++)
                        boxes.Add(Math.Clamp(decoded[4 * j + c], 0, c % 2 == 0 ? sizes[img].Width : sizes[img].Height));
                    scores.Add(top[j].Score);
                    labels.Add(top[j].Index % k);
                }
                anchorOffset += m;
            }
            var keep = Boxes.BatchedNms(Tensor.Wrap([.. boxes], [scores.Count, 4]),
                Tensor.Wrap([.. scores], [scores.Count]), labels.ToArray(), Options.NmsThreshold)
                .Take(Options.DetectionsPerImage).ToArray();
            var kb = new float[4 * keep.Length];
            for (int j = 0; j < keep.Length; j++)
            {
                for (int c = 0; c < 4; c++)
                    kb[4 * j + c] = boxes[4 * keep[j] + c];
            }
            result.Add(new Detections(
                GeneralizedRcnnTransform.Postprocess(Tensor.Wrap(kb, [keep.Length, 4]), sizes[img],
                    (images[img].Shape[1], images[img].Shape[2])),
                keep.Select(j => labels[j]).ToArray(), keep.Select(j => scores[j]).ToArray()));
        }
        return result;
    }

    /// <summary>
    /// The training-mode losses of torchvision's <c>model(images, targets)</c> (BatchNorm on its running statistics,
    /// as <c>FrozenBatchNorm2d</c>): anchors matched to the ground truth (IoU ≥ 0.5 foreground, &lt; 0.4 background,
    /// in between ignored, each box's best anchors foreground); <c>classification</c> = sigmoid focal loss (α 0.25,
    /// γ 2) summed over the anchors not ignored, one-hot targets of the matched class, divided by max(1, foreground);
    /// <c>bbox_regression</c> = L1 between the foreground anchors' deltas and the encoded ground truth, summed and
    /// divided by max(1, foreground); each averaged over the images. No sampling: deterministic as torchvision's.
    /// </summary>
    /// <param name="images">Images [3, H_i, W_i] with values in [0, 1].</param>
    /// <param name="boxes">Per image, ground-truth boxes [G_i, 4] (x1, y1, x2, y2) in its pixels.</param>
    /// <param name="labels">Per image, the G_i classes (0 … NumClasses − 1).</param>
    public (Tensor Classification, Tensor BoxRegression) Loss(IReadOnlyList<Tensor> images,
        IReadOnlyList<Tensor> boxes, IReadOnlyList<int[]> labels)
    {
        if (boxes.Count != images.Count || labels.Count != images.Count)
            throw new FoveaException($"retinanet_resnet50_fpn: expected one box tensor and one label array per image " +
                $"({images.Count}), received {boxes.Count} and {labels.Count}");
        int k = Options.NumClasses;
        for (int i = 0; i < boxes.Count; i++)
        {
            if (boxes[i].Rank != 2 || boxes[i].Shape[1] != 4 || labels[i].Length != boxes[i].Shape[0] ||
                labels[i].Any(l => l < 0 || l >= k))
                throw new FoveaException($"retinanet_resnet50_fpn: image {i}: expected boxes [G, 4] and G labels in " +
                    $"[0, {k - 1}], received {boxes[i].Shape} and [{string.Join(", ", labels[i])}]");
        }
        var (batch, sizes) = Transform.Apply(images);
        var features = Features(batch);
        int n = batch.Shape[0];
        var logits = Reshape(Concat(features.Select(f => Flatten(_classification(f), k)).ToList(), 1), -1, k);
        var deltas = Reshape(Concat(features.Select(f => Flatten(_regression(f), 4)).ToList(), 1), -1, 4);
        var anchors = _anchors.Generate(batch.Shape[2], batch.Shape[3],
            features.Select(f => (f.Shape[2], f.Shape[3])).ToList());
        int m = anchors.Shape[0];
        var classification = new List<Tensor>();
        var regression = new List<Tensor>();
        for (int img = 0; img < n; img++)
        {
            var gt = GeneralizedRcnnTransform.Postprocess(boxes[img], (images[img].Shape[1], images[img].Shape[2]),
                sizes[img]);
            var matches = TrainingTargets.Match(Boxes.Iou(gt, anchors), 0.5f, 0.4f, allowLowQuality: true);
            var valid = Enumerable.Range(0, m).Where(i => matches[i] != TrainingTargets.Between).ToArray();
            var foreground = Enumerable.Range(0, m).Where(i => matches[i] >= 0).ToArray();
            var onehot = new float[valid.Length * k];
            for (int j = 0; j < valid.Length; j++)
            {
                if (matches[valid[j]] >= 0)
                    onehot[j * k + labels[img][matches[valid[j]]]] = 1f;
            }
            var scale = Tensor.Scalar(Math.Max(1, foreground.Length));
            var x = Gather(logits, 0, valid.Select(i => img * m + i).ToArray(), [valid.Length]);
            classification.Add(Divide(DetectionLosses.SigmoidFocalLoss(x, Tensor.Wrap(onehot, [valid.Length, k]),
                reduction: LossReduction.Sum), scale));
            var target = _coder.Encode(TrainingTargets.Rows(gt, foreground.Select(i => matches[i]).ToList()),
                TrainingTargets.Rows(anchors, foreground));
            var predicted = Gather(deltas, 0, foreground.Select(i => img * m + i).ToArray(), [foreground.Length]);
            regression.Add(Divide(Sum(Abs(Subtract(predicted, target))), scale));
        }
        var count = Tensor.Scalar(n);
        return (Divide(AddN(classification), count), Divide(AddN(regression), count));
    }

    /// <summary>P3–P7: the FPN over layer2–layer4 and LastLevelP6P7.</summary>
    private List<Tensor> Features(Tensor batch)
    {
        var features = _fpn.Call(_body.Call(batch, [2, 3, 4])).ToList();
        var p6 = Conv2D(features[^1], _p6, _p6Bias, 2, (1, 1, 1, 1), 1, 1);
        features.Add(p6);
        features.Add(Conv2D(Relu(p6), _p7, _p7Bias, 2, (1, 1, 1, 1), 1, 1));
        return features;
    }

    /// <summary>[N, A·c, H, W] → [N, H·W·A, c], ordered (row, column, anchor).</summary>
    private static Tensor Flatten(Tensor y, int c)
    {
        int n = y.Shape[0], a = y.Shape[1] / c, h = y.Shape[2], w = y.Shape[3];
        return Reshape(Permute(Reshape(y, n, a, c, h, w), 0, 3, 4, 1, 2), n, h * w * a, c);
    }

    /// <summary>Four 3×3 convolutions + ReLU (<c>{prefix}.conv.{i}.0</c>) and a 3×3 output convolution.</summary>
    private static Func<Tensor, Tensor> Head(TorchParameters w, string prefix, string output, int outChannels)
    {
        var convs = Enumerable.Range(0, 4).Select(i => (
            W: w.Weight($"{prefix}.conv.{i}.0.weight", 256, 256, 3, 3),
            B: w.Bias($"{prefix}.conv.{i}.0.bias", 256))).ToList();
        var ow = w.Weight($"{prefix}.{output}.weight", outChannels, 256, 3, 3);
        var ob = w.Bias($"{prefix}.{output}.bias", outChannels);
        return x =>
        {
            foreach (var (cw, cb) in convs)
                x = Relu(Conv2D(x, cw, cb, 1, (1, 1, 1, 1), 1, 1));
            return Conv2D(x, ow, ob, 1, (1, 1, 1, 1), 1, 1);
        };
    }
}
