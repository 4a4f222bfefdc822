namespace Fovea.Data;

/// <summary>What <see cref="ImageFolder"/> does with a file it cannot decode.</summary>
public enum CorruptImageAction
{
    /// <summary>Stop loading with a <see cref="FoveaException"/> naming the file and the reason.</summary>
    Fail,

    /// <summary>Leave the file out and list it in <see cref="ImageFolder.Skipped"/>.</summary>
    Skip,
}
