using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// The box coder of Faster R-CNN and SSD (torchvision's <c>detection._utils.BoxCoder</c>): a box is encoded relative
/// to a reference (anchor or proposal) of width w, height h and centre (x, y) as
/// (wx·(gx − x)/w, wy·(gy − y)/h, ww·log(gw/w), wh·log(gh/h)). Decoding inverts it, with the log-size deltas
/// clamped to at most <see cref="BboxXformClip"/> (log(1000/16) by default) before exp.
/// Faster R-CNN's RPN uses weights (1, 1, 1, 1), its box head (10, 10, 5, 5); SSD uses (10, 10, 5, 5).
/// </summary>
/// <param name="weights">(wx, wy, ww, wh).</param>
/// <param name="bboxXformClip">Largest log-size delta decoded; default log(1000/16).</param>
public sealed class BoxCoder((float X, float Y, float W, float H) weights, float? bboxXformClip = null)
{
    /// <summary>The weights (wx, wy, ww, wh).</summary>
    public (float X, float Y, float W, float H) Weights { get; } = weights;

    /// <summary>The clamp on decoded log-size deltas.</summary>
    public float BboxXformClip { get; } = bboxXformClip ?? (float)Math.Log(1000.0 / 16);

    /// <summary>SSD's coder: weights (10, 10, 5, 5).</summary>
    public static BoxCoder Ssd() => new((10f, 10f, 5f, 5f));

    /// <summary>
    /// Regression targets of <paramref name="boxes"/> relative to <paramref name="references"/>, pair by pair.
    /// Not differentiable (targets are constants). Shape: [N, 4], [N, 4] (x1, y1, x2, y2) → [N, 4].
    /// </summary>
    public Tensor Encode(Tensor boxes, Tensor references)
    {
        BoxColumns.Check("BoxCoder.Encode", boxes);
        BoxColumns.Check("BoxCoder.Encode", references, "references");
        if (boxes.Shape[0] != references.Shape[0])
            throw new FoveaException($"BoxCoder.Encode: expected references [{boxes.Shape[0]}, 4] (one per box), " +
                $"received {references.Shape}");
        var g = boxes.AsReadOnlySpan();
        var r = references.AsReadOnlySpan();
        var y = new float[g.Length];
        for (int i = 0; i < boxes.Shape[0]; i++)
        {
            float ew = r[4 * i + 2] - r[4 * i], eh = r[4 * i + 3] - r[4 * i + 1];
            float ex = r[4 * i] + 0.5f * ew, ey = r[4 * i + 1] + 0.5f * eh;
            float gw = g[4 * i + 2] - g[4 * i], gh = g[4 * i + 3] - g[4 * i + 1];
            float gx = g[4 * i] + 0.5f * gw, gy = g[4 * i + 1] + 0.5f * gh;
            y[4 * i] = Weights.X * (gx - ex) / ew;
            y[4 * i + 1] = Weights.Y * (gy - ey) / eh;
            y[4 * i + 2] = Weights.W * MathF.Log(gw / ew);
            y[4 * i + 3] = Weights.H * MathF.Log(gh / eh);
        }
        return Tensor.Wrap(y, boxes.Shape);
    }

    /// <summary>
    /// Boxes from regression codes relative to <paramref name="references"/>; differentiable in the codes.
    /// Codes may hold k boxes per reference (Faster R-CNN's per-class regression).
    /// Shape: codes [N, 4·k], references [N, 4] → [N, 4·k] (x1, y1, x2, y2).
    /// </summary>
    public Tensor Decode(Tensor codes, Tensor references)
    {
        BoxColumns.Check("BoxCoder.Decode", references, "references");
        int n = references.Shape[0];
        if (codes.Rank != 2 || codes.Shape[0] != n || codes.Shape[1] % 4 != 0 || codes.Shape[1] == 0)
            throw new FoveaException($"BoxCoder.Decode: expected codes [{n}, 4·k], received {codes.Shape}");
        int k = codes.Shape[1] / 4;
        var flat = Reshape(codes, n * k, 4);
        var refs = k == 1 ? references : Reshape(Expand(Reshape(references, n, 1, 4), n, k, 4), n * k, 4);
        var c = BoxColumns.Of(flat);
        var rc = BoxColumns.Of(refs.Detach());
        var widths = Subtract(rc.C, rc.A);
        var heights = Subtract(rc.D, rc.B);
        var cx = Add(rc.A, Multiply(widths, 0.5f));
        var cy = Add(rc.B, Multiply(heights, 0.5f));
        var dw = Clip(Divide(c.C, Tensor.Scalar(Weights.W)), float.NegativeInfinity, BboxXformClip);
        var dh = Clip(Divide(c.D, Tensor.Scalar(Weights.H)), float.NegativeInfinity, BboxXformClip);
        var px = Add(Multiply(Divide(c.A, Tensor.Scalar(Weights.X)), widths), cx);
        var py = Add(Multiply(Divide(c.B, Tensor.Scalar(Weights.Y)), heights), cy);
        var halfW = Multiply(Multiply(Exp(dw), widths), 0.5f);
        var halfH = Multiply(Multiply(Exp(dh), heights), 0.5f);
        var boxes = new BoxColumns(Subtract(px, halfW), Subtract(py, halfH), Add(px, halfW), Add(py, halfH)).Join();
        return Reshape(boxes, n, 4 * k);
    }
}
