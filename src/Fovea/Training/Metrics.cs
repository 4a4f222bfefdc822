using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// Metrics (Keras names). For the classification metrics, targets may be class indices [N] or one-hot/probability
/// rows [N, classes] (then the arg-max is the class, as Keras's "accuracy" chooses); the regression metrics take
/// targets with the prediction's number of elements.
/// </summary>
public static class Metrics
{
    /// <summary>Fraction of samples whose arg-max prediction is the true class (a new metric each time).</summary>
    public static Metric Accuracy => new TopK(1, "accuracy");

    /// <summary>Fraction of samples whose true class is among the <paramref name="k"/> highest scores.</summary>
    public static Metric TopKAccuracy(int k = 5) => k > 0
        ? new TopK(k, $"top_{k}_accuracy")
        : throw new ArgumentOutOfRangeException(nameof(k), $"k must be positive, received {k}");

    /// <summary>Mean absolute difference between prediction and target over every element (a new metric each
    /// time).</summary>
    public static Metric MeanAbsoluteError => new MeanError("mean_absolute_error", squared: false);

    /// <summary>Mean squared difference between prediction and target over every element (a new metric each
    /// time).</summary>
    public static Metric MeanSquaredError => new MeanError("mean_squared_error", squared: true);

    /// <summary>
    /// The metric of a Keras name: <c>accuracy</c> (<c>acc</c>, <c>categorical_accuracy</c>,
    /// <c>sparse_categorical_accuracy</c>: one metric, which reads indices or one-hot rows),
    /// <c>top_k_categorical_accuracy</c> (k = 5), <c>mean_absolute_error</c> (<c>mae</c>), <c>mean_squared_error</c>
    /// (<c>mse</c>); case-insensitive.
    /// </summary>
    /// <exception cref="FoveaException">The name is not one of these.</exception>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "accuracy" or "acc" or "categorical_accuracy" or "sparse_categorical_accuracy" => Accuracy,
            "top_k_categorical_accuracy" or "sparse_top_k_categorical_accuracy" => TopKAccuracy(),
            "mean_absolute_error" or "mae" => MeanAbsoluteError,
            "mean_squared_error" or "mse" => MeanSquaredError,
            _ => throw new FoveaException(
                $"unknown metric '{name}'; known: accuracy, top_k_categorical_accuracy, mean_absolute_error (mae), "
                + "mean_squared_error (mse)"),
        };
    }

    private sealed class MeanError(string name, bool squared) : Metric
    {
        private double _sum;
        private long _count;

        public override string Name => name;

        public override double Result => _count == 0 ? 0 : _sum / _count;

        public override void Reset() => (_sum, _count) = (0, 0);

        public override void Update(Tensor prediction, Tensor target)
        {
            if (target.Length != prediction.Length)
            {
                throw new FoveaException(
                    $"{name}: expected targets with the {prediction.Length} elements of the prediction "
                    + $"{prediction.Shape}, received {target.Shape}");
            }
            var p = prediction.AsReadOnlySpan();
            var t = target.AsReadOnlySpan();
            double sum = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double d = (double)p[i] - t[i];
                sum += squared ? d * d : Math.Abs(d);
            }
            _sum += sum;
            _count += p.Length;
        }
    }

    private sealed class TopK(int k, string name) : Metric
    {
        private long _correct, _total;

        public override string Name => name;

        public override double Result => _total == 0 ? 0 : (double)_correct / _total;

        public override void Reset() => (_correct, _total) = (0, 0);

        public override void Update(Tensor prediction, Tensor target)
        {
            int classes = prediction.Shape[-1];
            int rows = prediction.Length / Math.Max(1, classes);
            var p = prediction.AsReadOnlySpan();
            var t = target.AsReadOnlySpan();
            bool oneHot = target.Length == prediction.Length && classes > 1;
            for (int r = 0; r < rows; r++)
            {
                var pr = p.Slice(r * classes, classes);
                int label = oneHot ? ArgMax(t.Slice(r * classes, classes)) : (int)t[r];
                if ((uint)label >= (uint)classes)
                    throw new FoveaException($"{name}: label {t[r]} of sample {r} is not a class index in [0, {classes})");
                // rank of the true class = number of classes scoring strictly higher
                float score = pr[label];
                int higher = 0;
                foreach (float v in pr)
                {
                    if (v > score)
                        higher++;
                }
                if (higher < k)
                    _correct++;
            }
            _total += rows;
        }

        private static int ArgMax(ReadOnlySpan<float> row)
        {
            int best = 0;
            for (int j = 1; j < row.Length; j++)
            {
                if (row[j] > row[best])
                    best = j;
            }
            return best;
        }
    }
}
