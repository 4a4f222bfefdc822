namespace Fovea.Autograd;

/// <summary>What one random draw of <see cref="Functional.StochasticDepth"/> drops (torchvision's <c>mode</c>).
/// </summary>
public enum StochasticDepthMode
{
    /// <summary>Each sample of the batch on its own ("row").</summary>
    Row,

    /// <summary>The whole batch at once ("batch").</summary>
    Batch,
}
