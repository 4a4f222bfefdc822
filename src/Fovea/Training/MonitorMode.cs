namespace Fovea.Training;

/// <summary>Whether a monitored quantity should go down (loss) or up (accuracy). Auto guesses from its name.</summary>
public enum MonitorMode
{
    Auto,
    Min,
    Max,
}
