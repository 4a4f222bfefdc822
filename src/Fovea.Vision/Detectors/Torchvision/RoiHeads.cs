using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>RoIHeads</c> for boxes in eval mode: <see cref="MultiScaleRoiAlign"/> (7×7, sampling ratio 2) of
/// every proposal, <c>TwoMLPHead</c> (<c>roi_heads.box_head.fc6</c>, <c>fc7</c>, each followed by ReLU) and
/// <c>FastRCNNPredictor</c> (<c>roi_heads.box_predictor.cls_score</c>, <c>.bbox_pred</c>); per-class boxes decoded
/// with weights (10, 10, 5, 5) and clipped to the image, softmax scores; the background column dropped; candidates
/// (proposal-major, then class) with a score above the threshold and sides ≥ 0.01 go through NMS per class, and the
/// first <see cref="FasterRcnnOptions.DetectionsPerImage"/> are kept.
/// </summary>
internal sealed class RoiHeads
{
    private const float MinSize = 1e-2f;
    private readonly MultiScaleRoiAlign _pool = new(7, 2);
    private readonly Parameter _fc6, _fc6Bias, _fc7, _fc7Bias, _cls, _clsBias, _bbox, _bboxBias;
    private readonly BoxCoder _coder = new((10f, 10f, 5f, 5f));
    private readonly FasterRcnnOptions _options;

    public RoiHeads(TorchParameters w, int channels, FasterRcnnOptions options, int representation = 1024)
    {
        int c = options.NumClasses;
        _fc6 = w.Weight("roi_heads.box_head.fc6.weight", representation, channels * 49);
        _fc6Bias = w.Bias("roi_heads.box_head.fc6.bias", representation);
        _fc7 = w.Weight("roi_heads.box_head.fc7.weight", representation, representation);
        _fc7Bias = w.Bias("roi_heads.box_head.fc7.bias", representation);
        _cls = w.Weight("roi_heads.box_predictor.cls_score.weight", c, representation);
        _clsBias = w.Bias("roi_heads.box_predictor.cls_score.bias", c);
        _bbox = w.Weight("roi_heads.box_predictor.bbox_pred.weight", 4 * c, representation);
        _bboxBias = w.Bias("roi_heads.box_predictor.bbox_pred.bias", 4 * c);
        _options = options;
    }

    /// <summary>Class logits [R, C] and per-class box deltas [R, 4·C] of the proposals of every image (R in all),
    /// differentiable in the features and weights.</summary>
    public (Tensor Logits, Tensor Regression) Predict(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        var pooled = _pool.Call(features, proposals, imageSizes);
        var flat = Reshape(pooled, pooled.Shape[0], pooled.Shape[1] * pooled.Shape[2] * pooled.Shape[3]);
        var x = Relu(Linear(flat, _fc6, _fc6Bias));
        x = Relu(Linear(x, _fc7, _fc7Bias));
        return (Linear(x, _cls, _clsBias), Linear(x, _bbox, _bboxBias));
    }

    /// <summary>
    /// torchvision's box-head losses: the ground-truth boxes are appended to each image's proposals, which are matched
    /// (IoU ≥ fg threshold: the box's class; &lt; bg threshold: background; in between ignored) and sampled; the
    /// sampled proposals (in index order) are classified: <c>loss_classifier</c> = softmax cross-entropy (mean),
    /// <c>loss_box_reg</c> = smooth L1 (β = 1/9) of the true class's deltas of the positives against the encoded
    /// ground truth (weights 10, 10, 5, 5), summed and divided by the number sampled.
    /// </summary>
    public (Tensor Classifier, Tensor BoxRegression) Loss(IReadOnlyList<Tensor> features,
        IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<Tensor> gtBoxes, IReadOnlyList<int[]> gtLabels, Random random)
    {
        int c = _options.NumClasses;
        var sampledBoxes = new List<Tensor>();
        var labels = new List<int>();
        var targets = new List<float>();
        var positiveRows = new List<int>();
        int row = 0;
        for (int img = 0; img < proposals.Count; img++)
        {
            var all = Concat([proposals[img], gtBoxes[img]], 0);
            var matches = TrainingTargets.Match(Boxes.Iou(gtBoxes[img], all), _options.BoxFgIouThreshold,
                _options.BoxBgIouThreshold, allowLowQuality: false);
            var l = matches.Select(m => m >= 0 ? gtLabels[img][m] : m == TrainingTargets.BelowLow ? 0 : -1).ToArray();
            var (p, q) = TrainingTargets.Sample(l, _options.BoxBatchSizePerImage, _options.BoxPositiveFraction, random);
            var sampled = p.Concat(q).Order().ToArray();
            var boxes = TrainingTargets.Rows(all, sampled);
            sampledBoxes.Add(boxes);
            var matchedGt = gtBoxes[img].Shape[0] == 0 ? Tensor.Zeros([sampled.Length, 4])
                : TrainingTargets.Rows(gtBoxes[img], sampled.Select(i => Math.Max(matches[i], 0)).ToList());
            var encoded = _coder.Encode(matchedGt, boxes).ToArray();
            for (int j = 0; j < sampled.Length; j++, row++)
            {
                int label = l[sampled[j]];
                labels.Add(label);
                if (label > 0)
                {
                    positiveRows.Add(row);
                    targets.AddRange(encoded.AsSpan(4 * j, 4).ToArray());
                }
            }
        }
        var (logits, regression) = Predict(features, sampledBoxes, imageSizes);
        var classifier = SoftmaxCrossEntropy(logits, Tensor.Wrap(labels.Select(v => (float)v).ToArray(), [row]));
        var picked = Gather(Reshape(regression, row * c, 4), 0,
            positiveRows.Select(r => r * c + labels[r]).ToArray(), [positiveRows.Count]);
        var target = Tensor.Wrap([.. targets], [positiveRows.Count, 4]);
        var box = Divide(TrainingTargets.SmoothL1Sum(picked, target, 1f / 9),
            Tensor.Scalar((float)row));
        return (classifier, box);
    }

    /// <summary>Detections per image in resized-image pixels. <paramref name="features"/> are the levels the pooler
    /// sees (torchvision's featmap_names "0".."3" that exist).</summary>
    public Detections[] Call(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        int c = _options.NumClasses;
        var (logits, regression) = Predict(features, proposals, imageSizes);
        var all = Concat(proposals.ToList(), 0);
        var decoded = _coder.Decode(regression, all).AsReadOnlySpan();
        var scores = Softmax(logits, -1).AsReadOnlySpan();
        var result = new Detections[proposals.Count];
        int row = 0;
        for (int img = 0; img < proposals.Count; img++)
        {
            var (h, w) = imageSizes[img];
            var boxes = new List<float>();
            var s = new List<float>();
            var labels = new List<int>();
            for (int i = 0; i < proposals[img].Shape[0]; i++, row++)
            {
                for (int k = 1; k < c; k++)
                {
                    float score = scores[row * c + k];
                    int o = (row * c + k) * 4;
                    float x1 = Math.Clamp(decoded[o], 0, w), y1 = Math.Clamp(decoded[o + 1], 0, h);
                    float x2 = Math.Clamp(decoded[o + 2], 0, w), y2 = Math.Clamp(decoded[o + 3], 0, h);
                    if (!(score > _options.BoxScoreThreshold) || x2 - x1 < MinSize || y2 - y1 < MinSize)
                        continue;
                    boxes.AddRange([x1, y1, x2, y2]);
                    s.Add(score);
                    labels.Add(k);
                }
            }
            var keep = Boxes.BatchedNms(Tensor.Wrap([.. boxes], [s.Count, 4]), Tensor.Wrap([.. s], [s.Count]),
                labels.ToArray(), _options.BoxNmsThreshold);
            int m = Math.Min(keep.Length, _options.DetectionsPerImage);
            var b = new float[4 * m];
            for (int j = 0; j < m; j++)
            {
                for (int q = 0; q < 4; q++)
                    b[4 * j + q] = boxes[4 * keep[j] + q];
            }
            result[img] = new Detections(Tensor.Wrap(b, [m, 4]), keep.Take(m).Select(j => labels[j]).ToArray(),
                keep.Take(m).Select(j => s[j]).ToArray());
        }
        return result;
    }
}
