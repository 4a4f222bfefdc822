namespace Fovea.Tuning;

/// <summary>Whether the objective is minimised or maximised.</summary>
public enum Direction
{
    /// <summary>Smaller is better (losses).</summary>
    Minimize,

    /// <summary>Larger is better (accuracies).</summary>
    Maximize,
}
