using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Batch normalisation of x [N, C, ...] with γ, β [C]. In training mode it normalises with the batch statistics
/// (biased variance) and updates the running statistics in place: running = momentum·running + (1 − momentum)·batch,
/// with the unbiased variance M/(M − 1)·σ² for the running variance (PyTorch's rule; Keras momentum convention).
/// In inference mode it applies the running statistics. Both modes are differentiable in x, γ and β.
/// </summary>
internal sealed class BatchNormFunction : Function
{
    private readonly bool _training;
    private readonly int _n, _c, _s;
    private readonly float[] _mean, _invStd;

    private BatchNormFunction(bool training, int n, int c, int s, float[] mean, float[] invStd)
    {
        _training = training;
        (_n, _c, _s) = (n, c, s);
        (_mean, _invStd) = (mean, invStd);
    }

    public static Tensor Apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        bool training, float momentum, float epsilon)
    {
        int n = x.Shape[0], c = x.Shape[1], s = x.Length / Math.Max(1, n * c);
        var y = Tensor.Empty(x.Shape);
        var mean = new float[c];
        var invStd = new float[c];
        if (training)
        {
            if ((long)n * s <= 1)
                throw new ArgumentException(
                    $"BatchNormalization in training mode needs more than one value per channel, received shape {x.Shape}");
            var variance = new float[c];
            BatchNormKernels.TrainingForward(x.AsReadOnlySpan(), gamma.AsReadOnlySpan(), beta.AsReadOnlySpan(), epsilon,
                y.AsSpan(), mean, invStd, variance, n, c, s);
            BatchNormKernels.UpdateRunningStatistics(mean, variance, (long)n * s, momentum, runningMean.AsSpan(),
                runningVar.AsSpan());
        }
        else
        {
            var scale = new float[c];
            var shift = new float[c];
            var g = gamma.AsReadOnlySpan();
            var b = beta.AsReadOnlySpan();
            var rm = runningMean.AsReadOnlySpan();
            var rv = runningVar.AsReadOnlySpan();
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = rm[ch];
                invStd[ch] = (float)(1.0 / Math.Sqrt(rv[ch] + (double)epsilon));
                scale[ch] = g[ch] * invStd[ch];
                shift[ch] = b[ch] - rm[ch] * scale[ch];
            }
            BatchNormKernels.Affine(x.AsReadOnlySpan(), scale, shift, y.AsSpan(), n, c, s);
        }
        if (ShouldRecord(x, gamma, beta))
            new BatchNormFunction(training, n, c, s, mean, invStd).Record(y, x, gamma, beta);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, gamma) = (Inputs[0]!, Inputs[1]!);
        var dx = NeedsGrad(0) ? Tensor.Empty(x.Shape) : null;
        var dgamma = NeedsGrad(1) ? Tensor.Empty(gamma.Shape) : null;
        var dbeta = NeedsGrad(2) ? Tensor.Empty(gamma.Shape) : null;
        if (_training)
        {
            BatchNormKernels.TrainingBackward(x.AsReadOnlySpan(), dy.AsReadOnlySpan(), gamma.AsReadOnlySpan(), _mean, _invStd,
                dx is null ? default : dx.AsSpan(), dgamma is null ? default : dgamma.AsSpan(),
                dbeta is null ? default : dbeta.AsSpan(), _n, _c, _s);
            return [dx, dgamma, dbeta];
        }
        var g = gamma.AsReadOnlySpan();
        if (dx is not null)
        {
            var scale = new float[_c];
            for (int ch = 0; ch < _c; ch++)
                scale[ch] = g[ch] * _invStd[ch];
            BatchNormKernels.Affine(dy.AsReadOnlySpan(), scale, new float[_c], dx.AsSpan(), _n, _c, _s);
        }
        if (dgamma is not null || dbeta is not null)
        {
            var sumDy = new double[_c];
            var sumDyX = new double[_c];
            BatchNormKernels.ChannelSums(dy.AsReadOnlySpan(), x.AsReadOnlySpan(), sumDy, sumDyX, _n, _c, _s);
            for (int ch = 0; ch < _c; ch++)
            {
                if (dgamma is not null)
                    dgamma.AsSpan()[ch] = (float)(_invStd[ch] * (sumDyX[ch] - _mean[ch] * sumDy[ch]));
                if (dbeta is not null)
                    dbeta.AsSpan()[ch] = (float)sumDy[ch];
            }
        }
        return [dx, dgamma, dbeta];
    }
}
