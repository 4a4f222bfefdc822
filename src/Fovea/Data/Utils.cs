using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>Small data helpers under Keras's names (<c>tf.keras.utils</c>).</summary>
public static class Utils
{
    /// <summary>
    /// One-hot rows [N, <paramref name="numClasses"/>] from class indices [N] or [N, 1] (Keras <c>to_categorical</c>):
    /// <c>var yTrain = Utils.ToCategorical(train.Labels, 10);</c>.
    /// </summary>
    /// <exception cref="FoveaException">A label is not an integer in [0, numClasses), or the labels are not [N] or
    /// [N, 1].</exception>
    public static Tensor ToCategorical(Tensor labels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (labels.Rank == 0 || labels.Rank > 2 || (labels.Rank == 2 && labels.Shape[1] != 1))
            throw new FoveaException($"ToCategorical: expected class indices [N] or [N, 1], received {labels.Shape}");
        int n = labels.Shape[0];
        var source = labels.AsReadOnlySpan();
        var rows = new float[(long)n * numClasses];
        for (int i = 0; i < n; i++)
        {
            float label = source[i];
            if (!(label >= 0 && label < numClasses) || label != MathF.Floor(label))
            {
                throw new FoveaException(
                    $"ToCategorical: label {label} of sample {i} is not a class index in [0, {numClasses})");
            }
            rows[(long)i * numClasses + (int)label] = 1f;
        }
        return Tensor.FromArray(rows, new Shape(n, numClasses));
    }
}
