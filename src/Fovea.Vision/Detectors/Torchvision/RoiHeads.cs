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

    /// <summary>Detections per image in resized-image pixels. <paramref name="features"/> are the levels the pooler
    /// sees (torchvision's featmap_names "0".."3" that exist).</summary>
    public Detections[] Call(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals,
        IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        int c = _options.NumClasses;
        var pooled = _pool.Call(features, proposals, imageSizes);
        var x = Relu(Linear(Flatten(pooled), _fc6, _fc6Bias));
        x = Relu(Linear(x, _fc7, _fc7Bias));
        var logits = Linear(x, _cls, _clsBias);
        var regression = Linear(x, _bbox, _bboxBias);
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
