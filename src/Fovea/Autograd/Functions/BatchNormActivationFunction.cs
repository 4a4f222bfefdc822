using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// BatchNorm followed by ReLU, LeakyReLU or SiLU as one op (same results as the two ops apart, less memory traffic):
/// see <see cref="BatchNormActivationKernels"/>. Running statistics are updated by the same
/// <see cref="BatchNormKernels.UpdateRunningStatistics"/> as in <see cref="BatchNormFunction"/>.
/// </summary>
internal sealed class BatchNormActivationFunction : Function
{
    private readonly ActivationKind _kind;
    private readonly float _alpha;
    private readonly bool _training;
    private readonly int _n, _c, _s;
    private readonly float[] _mean, _invStd;

    private BatchNormActivationFunction(ActivationKind kind, float alpha, bool training, int n, int c, int s, float[] mean,
        float[] invStd)
    {
        (_kind, _alpha, _training) = (kind, alpha, training);
        (_n, _c, _s) = (n, c, s);
        (_mean, _invStd) = (mean, invStd);
    }

    public override string Name => "BatchNorm" + _kind;

    public static bool Supports(ActivationKind kind) =>
        BatchNormActivationKernels.IsSupported && kind is ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Silu;

    public static Tensor Apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, bool training,
        float momentum, float epsilon, ActivationKind kind, float alpha)
    {
        int n = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(1, n * c);
        if (training && (long)n * s <= 1)
            throw new ArgumentException(
                $"BatchNormalization in training mode needs more than one value per channel, received shape {x.Shape}");
        var y = Tensor.Empty(x.Shape);
        var mean = new float[c];
        var invStd = new float[c];
        var variance = new float[c];
        if (!training)
        {
            var rm = runningMean.AsReadOnlySpan();
            var rv = runningVar.AsReadOnlySpan();
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = rm[ch];
                invStd[ch] = (float)(1.0 / Math.Sqrt(rv[ch] + (double)epsilon));
            }
        }
        var xs = x.AsReadOnlySpan();
        var g = gamma.AsReadOnlySpan();
        var b = beta.AsReadOnlySpan();
        var ys = y.AsSpan();
        switch (kind)
        {
            case ActivationKind.Relu:
                BatchNormActivationKernels.Forward(xs, g, b, epsilon, training, ys, mean, invStd, variance, n, c, s, new ActivationOps.Relu());
                break;
            case ActivationKind.LeakyRelu:
                BatchNormActivationKernels.Forward(xs, g, b, epsilon, training, ys, mean, invStd, variance, n, c, s,
                    new ActivationOps.LeakyRelu(alpha));
                break;
            case ActivationKind.Silu:
                BatchNormActivationKernels.Forward(xs, g, b, epsilon, training, ys, mean, invStd, variance, n, c, s, new ActivationOps.Silu());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not fusable with BatchNorm (see Supports)");
        }
        if (training)
        {
            BatchNormKernels.UpdateRunningStatistics(mean, variance, (long)n * s, momentum, runningMean.AsSpan(),
                runningVar.AsSpan());
        }
        if (ShouldRecord(x, gamma, beta))
            new BatchNormActivationFunction(kind, alpha, training, n, c, s, mean, invStd).Record(y, x, gamma, beta);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, gamma, beta) = (Inputs[0]!, Inputs[1]!, Inputs[2]!);
        var dx = NeedsGrad(0) ? Tensor.Empty(x.Shape) : null;
        var dgamma = NeedsGrad(1) ? Tensor.Empty(gamma.Shape) : null;
        var dbeta = NeedsGrad(2) ? Tensor.Empty(gamma.Shape) : null;
        var xs = x.AsReadOnlySpan();
        var dys = dy.AsReadOnlySpan();
        var g = gamma.AsReadOnlySpan();
        var b = beta.AsReadOnlySpan();
        Span<float> dxs = dx is null ? default : dx.AsSpan();
        Span<float> dgs = dgamma is null ? default : dgamma.AsSpan();
        Span<float> dbs = dbeta is null ? default : dbeta.AsSpan();
        switch (_kind)
        {
            case ActivationKind.Relu:
                BatchNormActivationKernels.Backward(xs, dys, g, b, _mean, _invStd, _training, dxs, dgs, dbs, _n, _c, _s,
                    new ActivationOps.ReluBackward());
                break;
            case ActivationKind.LeakyRelu:
                BatchNormActivationKernels.Backward(xs, dys, g, b, _mean, _invStd, _training, dxs, dgs, dbs, _n, _c, _s,
                    new ActivationOps.LeakyReluBackward(_alpha));
                break;
            case ActivationKind.Silu:
                BatchNormActivationKernels.Backward(xs, dys, g, b, _mean, _invStd, _training, dxs, dgs, dbs, _n, _c, _s,
                    new ActivationOps.SiluBackward());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_kind), _kind, "not fusable with BatchNorm (see Supports)");
        }
        return [dx, dgamma, dbeta];
    }
}
