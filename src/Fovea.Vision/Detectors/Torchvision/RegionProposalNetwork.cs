using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// torchvision's <c>RegionProposalNetwork</c> with its <c>RPNHead</c>, in eval mode. On every pyramid level a 3×3
/// convolution + ReLU (<c>rpn.head.conv.0.0</c>) feeds a 1×1 objectness convolution (<c>rpn.head.cls_logits</c>, A
/// outputs) and a 1×1 box-delta convolution (<c>rpn.head.bbox_pred</c>, 4A). Predictions are ordered (level, row,
/// column, anchor), as the anchors of <see cref="AnchorGenerator"/>; deltas are decoded with weights (1, 1, 1, 1). Per
/// image and level the <see cref="FasterRcnnOptions.RpnPreNmsTopN"/> highest objectness logits are kept (sorted, ties
/// by index); then sigmoid, clipping to the (unpadded) image, removal of boxes narrower or lower than 1e-3, the score
/// threshold (≥), NMS per level at <see cref="FasterRcnnOptions.RpnNmsThreshold"/> and the first
/// <see cref="FasterRcnnOptions.RpnPostNmsTopN"/>.
/// </summary>
internal sealed class RegionProposalNetwork
{
    private const float MinSize = 1e-3f;
    private readonly Parameter _conv, _convBias, _cls, _clsBias, _bbox, _bboxBias;
    private readonly AnchorGenerator _anchors;
    private readonly BoxCoder _coder = new((1f, 1f, 1f, 1f));
    private readonly FasterRcnnOptions _options;

    public RegionProposalNetwork(TorchParameters w, int channels, AnchorGenerator anchors, FasterRcnnOptions options)
    {
        int a = anchors.AnchorsPerLocation[0];
        if (anchors.AnchorsPerLocation.Any(n => n != a))
            throw new FoveaException("RegionProposalNetwork: every level needs the same number of anchors per cell, " +
                $"received [{string.Join(", ", anchors.AnchorsPerLocation)}]");
        _conv = w.Weight("rpn.head.conv.0.0.weight", channels, channels, 3, 3);
        _convBias = w.Bias("rpn.head.conv.0.0.bias", channels);
        _cls = w.Weight("rpn.head.cls_logits.weight", a, channels, 1, 1);
        _clsBias = w.Bias("rpn.head.cls_logits.bias", a);
        _bbox = w.Weight("rpn.head.bbox_pred.weight", 4 * a, channels, 1, 1);
        _bboxBias = w.Bias("rpn.head.bbox_pred.bias", 4 * a);
        _anchors = anchors;
        _options = options;
    }

    /// <summary>The head's outputs over every level, ordered (level, row, column, anchor) as the anchors:
    /// objectness logits [N, M], box deltas [N, M, 4] (differentiable), the anchors [M, 4] and M per level.</summary>
    public (Tensor Objectness, Tensor Deltas, Tensor Anchors, List<int> PerLevel) Head(IReadOnlyList<Tensor> features,
        int batchHeight, int batchWidth)
    {
        int a = _anchors.AnchorsPerLocation[0];
        var logits = new List<Tensor>();
        var deltas = new List<Tensor>();
        var perLevel = new List<int>();
        foreach (var f in features)
        {
            int n = f.Shape[0], h = f.Shape[2], w = f.Shape[3];
            var t = Relu(Conv2D(f, _conv, _convBias, 1, (1, 1, 1, 1), 1, 1));
            logits.Add(Reshape(Permute(Conv2D(t, _cls, _clsBias), 0, 2, 3, 1), n, h * w * a));
            deltas.Add(Reshape(Permute(Reshape(Conv2D(t, _bbox, _bboxBias), n, a, 4, h, w), 0, 3, 4, 1, 2),
                n, h * w * a, 4));
            perLevel.Add(h * w * a);
        }
        var anchors = _anchors.Generate(batchHeight, batchWidth,
            features.Select(f => (f.Shape[2], f.Shape[3])).ToList());
        return (Concat(logits, 1), Concat(deltas, 1), anchors, perLevel);
    }

    /// <summary>Proposals [K_i, 4] (x1, y1, x2, y2, pixels of the resized image) and their scores, per image, with the
    /// eval (<paramref name="training"/> false) or training top-n settings.</summary>
    public (Tensor Boxes, float[] Scores)[] Call(IReadOnlyList<Tensor> features, int batchHeight, int batchWidth,
        IReadOnlyList<(int Height, int Width)> imageSizes, bool training = false)
    {
        var (objectness, deltas, anchors, perLevel) = Head(features, batchHeight, batchWidth);
        return Proposals(objectness, deltas, anchors, perLevel, imageSizes, training);
    }

    /// <summary>Decodes and filters the head's outputs into proposals (not differentiable).</summary>
    public (Tensor Boxes, float[] Scores)[] Proposals(Tensor objectness, Tensor deltas, Tensor anchors,
        List<int> perLevel, IReadOnlyList<(int Height, int Width)> imageSizes, bool training)
    {
        int n = objectness.Shape[0], m = anchors.Shape[0];
        var logits = objectness.ToArray();
        var codes = deltas.ToArray();
        var result = new (Tensor, float[])[n];
        for (int img = 0; img < n; img++)
        {
            var proposals = _coder.Decode(Tensor.Wrap(codes.AsSpan(img * m * 4, m * 4).ToArray(), [m, 4]), anchors)
                .AsReadOnlySpan();
            result[img] = Filter(proposals, logits.AsSpan(img * m, m).ToArray().ToList(), perLevel, imageSizes[img],
                training ? _options.RpnPreNmsTopNTrain : _options.RpnPreNmsTopN,
                training ? _options.RpnPostNmsTopNTrain : _options.RpnPostNmsTopN);
        }
        return result;
    }

    /// <summary>
    /// torchvision's RPN losses: anchors matched to the ground truth (IoU ≥ fg threshold positive, &lt; bg threshold
    /// negative, in between ignored, and every ground-truth box's best anchors positive), positives and negatives
    /// sampled per image; <c>loss_objectness</c> = binary cross-entropy of the sampled logits (mean),
    /// <c>loss_rpn_box_reg</c> = smooth L1 (β = 1/9) of the positives' deltas against the encoded ground truth,
    /// summed and divided by the number sampled.
    /// </summary>
    public (Tensor Objectness, Tensor BoxRegression) Loss(Tensor objectness, Tensor deltas, Tensor anchors,
        IReadOnlyList<Tensor> gtBoxes, Random random)
    {
        int n = objectness.Shape[0], m = anchors.Shape[0];
        var pos = new List<int>();
        var neg = new List<int>();
        var targets = new List<float>();
        var posLabels = new List<int>();
        for (int img = 0; img < n; img++)
        {
            var gt = gtBoxes[img];
            var matches = TrainingTargets.Match(Boxes.Iou(gt, anchors), _options.RpnFgIouThreshold,
                _options.RpnBgIouThreshold, allowLowQuality: true);
            var labels = matches.Select(v => v >= 0 ? 1 : v == TrainingTargets.BelowLow ? 0 : -1).ToArray();
            var (p, q) = TrainingTargets.Sample(labels, _options.RpnBatchSizePerImage, _options.RpnPositiveFraction,
                random);
            if (p.Length > 0)
            {
                var encoded = _coder.Encode(TrainingTargets.Rows(gt, p.Select(i => matches[i]).ToList()),
                    TrainingTargets.Rows(anchors, p));
                targets.AddRange(encoded.ToArray());
            }
            pos.AddRange(p.Select(i => img * m + i));
            neg.AddRange(q.Select(i => img * m + i));
        }
        var sampled = pos.Concat(neg).ToArray();
        var flatLogits = Reshape(objectness, n * m);
        var x = Gather(flatLogits, 0, sampled, [sampled.Length]);
        var y = Tensor.Wrap(sampled.Select((_, j) => j < pos.Count ? 1f : 0f).ToArray(), [sampled.Length]);
        // BCE with logits: max(x, 0) − x·y + log(1 + exp(−|x|)), mean.
        var bce = Mean(Add(Subtract(Relu(x), Multiply(x, y)), Log(Add(Exp(Neg(Abs(x))), Tensor.Scalar(1f)))));
        var predicted = Gather(Reshape(deltas, n * m, 4), 0, [.. pos], [pos.Count]);
        var boxLoss = Divide(TrainingTargets.SmoothL1Sum(predicted, Tensor.Wrap([.. targets], [pos.Count, 4]), 1f / 9),
            Tensor.Scalar((float)sampled.Length));
        return (bce, boxLoss);
    }

    private (Tensor, float[]) Filter(ReadOnlySpan<float> proposals, List<float> objectness, List<int> perLevel,
        (int Height, int Width) size, int preNmsTopN, int postNmsTopN)
    {
        var chosen = new List<int>();
        var levels = new List<int>();
        int offset = 0;
        for (int l = 0; l < perLevel.Count; l++)
        {
            int count = perLevel[l], start = offset;
            var top = Enumerable.Range(start, count).OrderByDescending(i => objectness[i])
                .Take(Math.Min(preNmsTopN, count));
            foreach (int i in top)
            {
                chosen.Add(i);
                levels.Add(l);
            }
            offset += count;
        }
        var boxes = new List<float>();
        var scores = new List<float>();
        var kept = new List<int>();
        foreach (var (i, l) in chosen.Zip(levels))
        {
            float x1 = Math.Clamp(proposals[4 * i], 0, size.Width);
            float y1 = Math.Clamp(proposals[4 * i + 1], 0, size.Height);
            float x2 = Math.Clamp(proposals[4 * i + 2], 0, size.Width);
            float y2 = Math.Clamp(proposals[4 * i + 3], 0, size.Height);
            if (x2 - x1 < MinSize || y2 - y1 < MinSize)
                continue;
            float score = 1f / (1f + MathF.Exp(-objectness[i]));
            if (score < _options.RpnScoreThreshold)
                continue;
            boxes.AddRange([x1, y1, x2, y2]);
            scores.Add(score);
            kept.Add(l);
        }
        var boxTensor = Tensor.Wrap([.. boxes], [scores.Count, 4]);
        var keep = Boxes.BatchedNms(boxTensor, Tensor.Wrap([.. scores], [scores.Count]), kept.ToArray(),
            _options.RpnNmsThreshold);
        int m = Math.Min(keep.Length, postNmsTopN);
        var outBoxes = new float[4 * m];
        var outScores = new float[m];
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < 4; c++)
                outBoxes[4 * j + c] = boxes[4 * keep[j] + c];
            outScores[j] = scores[keep[j]];
        }
        return (Tensor.Wrap(outBoxes, [m, 4]), outScores);
    }
}
