using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// An attribution method (Captum's shape): built from the model (and the layer, for layer methods), with one verb.
/// Every method explains the logit (pre-softmax score) of one class, the same class for every sample of the batch.
/// </summary>
public interface IAttributionMethod
{
    /// <summary>Attributions of the logit of class <paramref name="target"/> for <paramref name="inputs"/>
    /// [N, C, H, W].</summary>
    Attribution Attribute(Tensor inputs, int target);
}
