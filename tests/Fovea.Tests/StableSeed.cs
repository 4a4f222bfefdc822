namespace Fovea.Tests;

/// <summary>
/// A seed derived from a test case's name that is the same in every process and on every machine: 32-bit FNV-1a of
/// the name's UTF-16 code units. (<see cref="string.GetHashCode()"/> is randomised per process in .NET, so inputs
/// seeded from it change from run to run.)
/// </summary>
internal static class StableSeed
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>FNV-1a of <paramref name="name"/>, as a non-negative seed.</summary>
    public static int Of(string name)
    {
        uint hash = OffsetBasis;
        foreach (char c in name)
        {
            hash ^= (byte)c;
            hash *= Prime;
            hash ^= (byte)(c >> 8);
            hash *= Prime;
        }
        return (int)(hash & int.MaxValue);
    }
}
