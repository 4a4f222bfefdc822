using Fovea.Autograd.Functions;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models.Passes;

/// <summary>A BatchNormalization and the activation layer after it as one op (in training too), as placed by
/// <see cref="FusionPass"/>: the results, statistics updates included, of the two layers run apart.</summary>
internal sealed class FusedBatchNormActivation(BatchNormalization batchNorm, ActivationKind kind, float alpha)
    : Layer(batchNorm.Name, batchNorm.Rng)
{
    public override string TypeName => "FusedBatchNormActivation";

    protected override Tensor Forward(Tensor x, bool training) => batchNorm.Normalize(x, training, kind, alpha);
}
