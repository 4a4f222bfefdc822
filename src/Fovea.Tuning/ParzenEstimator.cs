namespace Fovea.Tuning;

/// <summary>
/// Optuna's univariate Parzen estimator over one <see cref="TpeDimension"/>: a weighted mixture of truncated normals
/// (numeric) or of smoothed one-hot rows (categorical), with the prior as last component.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly TpeDimension _dim;
    private readonly double[] _weights;
    private readonly double[] _mus = [];
    private readonly double[] _sigmas = [];
    private readonly double[][] _rows = [];
    private readonly double[] _logWeights;
    private readonly bool _withScale;
    private readonly double[] _logAccept = [];
    private readonly double[] _logSigmas = [];

    /// <param name="dim">The parameter.</param>
    /// <param name="observations">Its values in the group, oldest first.</param>
    /// <param name="priorWeight">Weight of the prior component before normalisation.</param>
    /// <param name="withScale">
    /// Whether a kernel's log density includes -log σ. Optuna 3.1 (python3-optuna in Debian, our oracle) leaves it
    /// out: its <c>_truncnorm.logpdf</c> returns log φ(z) - log Z of the standardised z, so wide kernels weigh more.
    /// </param>
    public ParzenEstimator(TpeDimension dim, IReadOnlyList<double> observations, double priorWeight, bool withScale = false)
    {
        _dim = dim;
        _withScale = withScale;
        int n = observations.Count;
        _weights = new double[n + 1];
        TpeOracle.Weights(n).CopyTo(_weights, 0);
        _weights[n] = priorWeight;
        double total = _weights.Sum();
        for (int i = 0; i <= n; i++)
            _weights[i] /= total;

        _logWeights = _weights.Select(w => Math.Log(w)).ToArray();
        if (dim.IsCategorical)
        {
            int k = dim.Choices;
            double fill = priorWeight / (n + 1);
            _rows = new double[n + 1][];
            for (int i = 0; i <= n; i++)
            {
                var row = Enumerable.Repeat(fill, k).ToArray();
                if (i < n)
                    row[(int)observations[i]] += 1;
                double s = row.Sum();
                for (int c = 0; c < k; c++)
                    row[c] /= s;
                _rows[i] = row;
            }
            return;
        }

        double low = dim.Low, high = dim.High;
        _mus = [.. observations, 0.5 * (low + high)];
        int m = _mus.Length;
        var order = Enumerable.Range(0, m).OrderBy(i => _mus[i]).ToArray();
        var sorted = new double[m + 2];
        sorted[0] = low;
        sorted[m + 1] = high;
        for (int j = 0; j < m; j++)
            sorted[j + 1] = _mus[order[j]];
        var sortedSigma = new double[m];
        for (int j = 0; j < m; j++)
            sortedSigma[j] = Math.Max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]);
        if (m + 2 >= 4)
        {
            // consider_endpoints=False: the ends use their inner neighbour only.
            sortedSigma[0] = sorted[2] - sorted[1];
            sortedSigma[m - 1] = sorted[m] - sorted[m - 1];
        }
        _sigmas = new double[m];
        double maxSigma = high - low;
        double minSigma = (high - low) / Math.Min(100.0, 1.0 + m);   // consider_magic_clip
        for (int j = 0; j < m; j++)
            _sigmas[order[j]] = Math.Clamp(sortedSigma[j], minSigma, maxSigma);
        _sigmas[m - 1] = high - low;   // the prior
        _logAccept = new double[m];
        _logSigmas = new double[m];
        for (int j = 0; j < m; j++)
        {
            _logAccept[j] = Normal.LogMass((low - _mus[j]) / _sigmas[j], (high - _mus[j]) / _sigmas[j]);
            _logSigmas[j] = Math.Log(_sigmas[j]);
        }
    }

    public double Sample(Random rng)
    {
        int c = Component(rng);
        if (_dim.IsCategorical)
        {
            double u = rng.NextDouble(), acc = 0;
            var row = _rows[c];
            for (int k = 0; k < row.Length; k++)
            {
                acc += row[k];
                if (u < acc)
                    return k;
            }
            return row.Length - 1;
        }
        double mu = _mus[c], sigma = _sigmas[c];
        double z = Normal.SampleTruncated(rng, (_dim.Low - mu) / sigma, (_dim.High - mu) / sigma);
        double x = Math.Clamp(mu + sigma * z, _dim.Low, _dim.High);
        if (_dim.Q is double q)
        {
            // As Optuna: the draw is rounded onto the grid before it is scored.
            double origin = _dim.Low + 0.5 * q;
            int maxIndex = (int)Math.Round((_dim.High - 0.5 * q - origin) / q);
            x = origin + Math.Clamp(Math.Round((x - origin) / q), 0, maxIndex) * q;
        }
        return x;
    }

    public double LogPdf(double x)
    {
        int n = _weights.Length;
        Span<double> terms = n <= 256 ? stackalloc double[n] : new double[n];
        double max = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double lp;
            if (_dim.IsCategorical)
                lp = Math.Log(_rows[i][(int)x]);
            else
            {
                double mu = _mus[i], sigma = _sigmas[i];
                double logAccept = _logAccept[i];
                if (_dim.Q is double q)
                {
                    double upper = Math.Min(x + 0.5 * q, _dim.High), lower = Math.Max(x - 0.5 * q, _dim.Low);
                    lp = Normal.LogMass((lower - mu) / sigma, (upper - mu) / sigma) - logAccept;
                }
                else
                    lp = Normal.LogPdf((x - mu) / sigma) - (_withScale ? _logSigmas[i] : 0) - logAccept;
            }
            terms[i] = lp + _logWeights[i];
            max = Math.Max(max, terms[i]);
        }
        double sum = 0;
        foreach (double t in terms)
            sum += Math.Exp(t - max);
        return max + Math.Log(sum);
    }

    private int Component(Random rng)
    {
        double u = rng.NextDouble(), acc = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            acc += _weights[i];
            if (u < acc)
                return i;
        }
        return _weights.Length - 1;
    }
}
