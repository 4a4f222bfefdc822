using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// The losses (Keras names). Cross-entropies take class indices [N] or one-hot/probability rows [N, classes];
/// <c>fromLogits: false</c> (the default, as in Keras) expects probabilities, e.g. from a softmax output layer,
/// and then uses that softmax's logits directly, which is exact and stable.
/// </summary>
public static class Losses
{
    /// <summary>Cross-entropy against one-hot or probability targets (class indices are accepted too).</summary>
    public static Loss CategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f) =>
        new CrossEntropyLoss("categorical_crossentropy", fromLogits, labelSmoothing, sparse: false);

    /// <summary>Cross-entropy against integer class indices [N].</summary>
    public static Loss SparseCategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f) =>
        new CrossEntropyLoss("sparse_categorical_crossentropy", fromLogits, labelSmoothing, sparse: true);

    /// <summary>
    /// Mean squared error over every element: <c>mean((prediction - target)²)</c>. The target has the prediction's
    /// shape, or the same number of elements per sample ([N] for a prediction [N, 1]).
    /// </summary>
    public static Loss MeanSquaredError() => new RegressionLoss("mean_squared_error", squared: true);

    /// <summary>Mean absolute error over every element: <c>mean(|prediction - target|)</c>; shapes as for
    /// <see cref="MeanSquaredError"/>.</summary>
    public static Loss MeanAbsoluteError() => new RegressionLoss("mean_absolute_error", squared: false);

    /// <summary>
    /// The loss of a Keras name with its defaults: <c>categorical_crossentropy</c>,
    /// <c>sparse_categorical_crossentropy</c>, <c>mean_squared_error</c> (<c>mse</c>), <c>mean_absolute_error</c>
    /// (<c>mae</c>); case-insensitive.
    /// </summary>
    /// <exception cref="FoveaException">The name is not one of these.</exception>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "categorical_crossentropy" => CategoricalCrossentropy(),
            "sparse_categorical_crossentropy" => SparseCategoricalCrossentropy(),
            "mean_squared_error" or "mse" => MeanSquaredError(),
            "mean_absolute_error" or "mae" => MeanAbsoluteError(),
            _ => throw new FoveaException(
                $"unknown loss '{name}'; known: categorical_crossentropy, sparse_categorical_crossentropy, "
                + "mean_squared_error (mse), mean_absolute_error (mae)"),
        };
    }

    /// <summary>
    /// The target viewed with the prediction's shape. Broadcasting is refused on purpose: a target [N] against a
    /// prediction [N, 1] would otherwise broadcast to [N, N] and train on the wrong quantity.
    /// </summary>
    internal static Tensor MatchTarget(string name, Tensor prediction, Tensor target)
    {
        if (target.Shape == prediction.Shape)
            return target;
        if (prediction.Rank == 0 || target.Rank == 0 || target.Shape[0] != prediction.Shape[0]
            || target.Length != prediction.Length)
        {
            throw new FoveaException(
                $"{name}: expected targets of the prediction's shape {prediction.Shape}, received {target.Shape}");
        }
        return Functional.Reshape(target, prediction.Shape.ToArray());
    }

    private sealed class RegressionLoss(string name, bool squared) : Loss
    {
        public override string Name => name;

        public override Tensor Compute(Tensor prediction, Tensor target)
        {
            var difference = Functional.Subtract(prediction, MatchTarget(name, prediction, target));
            return Functional.Mean(squared ? Functional.Multiply(difference, difference) : Functional.Abs(difference));
        }
    }

    private sealed class CrossEntropyLoss(string name, bool fromLogits, float labelSmoothing, bool sparse) : Loss
    {
        public override string Name => name;

        public override Tensor Compute(Tensor prediction, Tensor target)
        {
            if (sparse && target.Shape == prediction.Shape && prediction.Shape[-1] != 1)
                throw new FoveaException(
                    $"{name}: targets {target.Shape} look one-hot; use CategoricalCrossentropy, or pass class indices [{prediction.Shape[0]}]");
            try
            {
                return fromLogits
                    ? Functional.SoftmaxCrossEntropy(prediction, target, labelSmoothing)
                    : Functional.CrossEntropy(prediction, target, labelSmoothing);
            }
            catch (ArgumentException e)
            {
                throw new FoveaException($"{name}: {e.Message}", e);
            }
        }
    }
}
