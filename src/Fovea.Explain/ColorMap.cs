namespace Fovea.Explain;

/// <summary>Perceptually uniform colour maps for heatmaps (matplotlib's, as 9 anchors interpolated linearly).</summary>
public enum ColorMap
{
    /// <summary>Viridis: dark blue → green → yellow.</summary>
    Viridis,

    /// <summary>Inferno: black → red → pale yellow.</summary>
    Inferno,
}
