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
