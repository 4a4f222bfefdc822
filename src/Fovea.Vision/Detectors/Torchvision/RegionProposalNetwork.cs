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

    /// <summary>Proposals [K_i, 4] (x1, y1, x2, y2, pixels of the resized image) and their scores, per image.
    /// </summary>
    public (Tensor Boxes, float[] Scores)[] Call(IReadOnlyList<Tensor> features, int batchHeight, int batchWidth,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        int n = features[0].Shape[0];
        int a = _anchors.AnchorsPerLocation[0];
        var objectness = new List<float>[n];
        var deltas = new List<float>[n];
        for (int i = 0; i < n; i++)
            (objectness[i], deltas[i]) = ([], []);
        var perLevel = new List<int>();
        foreach (var f in features)
        {
            var t = Relu(Conv2D(f, _conv, _convBias, 1, (1, 1, 1, 1), 1, 1));
            var logits = Conv2D(t, _cls, _clsBias).AsReadOnlySpan();
            var boxes = Conv2D(t, _bbox, _bboxBias).AsReadOnlySpan();
            int h = f.Shape[2], wd = f.Shape[3], plane = h * wd;
            perLevel.Add(plane * a);
            for (int img = 0; img < n; img++)
            for (int p = 0; p < plane; p++)
            for (int k = 0; k < a; k++)
            {
                objectness[img].Add(logits[(img * a + k) * plane + p]);
                for (int c = 0; c < 4; c++)
                    deltas[img].Add(boxes[((img * a + k) * 4 + c) * plane + p]);
            }
        }
        var anchors = _anchors.Generate(batchHeight, batchWidth,
            features.Select(f => (f.Shape[2], f.Shape[3])).ToList());
        var result = new (Tensor, float[])[n];
        for (int img = 0; img < n; img++)
        {
            var proposals = _coder.Decode(Tensor.Wrap([.. deltas[img]], [anchors.Shape[0], 4]), anchors)
                .AsReadOnlySpan();
            result[img] = Filter(proposals, objectness[img], perLevel, imageSizes[img]);
        }
        return result;
    }

    private (Tensor, float[]) Filter(ReadOnlySpan<float> proposals, List<float> objectness, List<int> perLevel,
        (int Height, int Width) size)
    {
        var chosen = new List<int>();
        var levels = new List<int>();
        int offset = 0;
        for (int l = 0; l < perLevel.Count; l++)
        {
            int count = perLevel[l], start = offset;
            var top = Enumerable.Range(start, count).OrderByDescending(i => objectness[i])
                .Take(Math.Min(_options.RpnPreNmsTopN, count));
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
            float x1 = Math.Clamp(proposals[4 * i], 0, size.Width), y1 = Math.Clamp(proposals[4 * i + 1], 0, size.Height);
            float x2 = Math.Clamp(proposals[4 * i + 2], 0, size.Width), y2 = Math.Clamp(proposals[4 * i + 3], 0, size.Height);
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
        int m = Math.Min(keep.Length, _options.RpnPostNmsTopN);
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
