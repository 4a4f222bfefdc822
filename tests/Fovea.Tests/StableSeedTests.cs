using Xunit;

namespace Fovea.Tests;

/// <summary>
/// <see cref="StableSeed"/> is FNV-1a over the UTF-16LE bytes of the name, masked to 31 bits. Expected values from
/// Python: <c>h = 2166136261; for b in s.encode('utf-16-le'): h = ((h ^ b) * 16777619) % 2**32</c>, then
/// <c>h &amp; 0x7fffffff</c>.
/// </summary>
public sealed class StableSeedTests
{
    [Theory]
    [InlineData("", 18652613)]
    [InlineData("a", 723832900)]
    [InlineData("Conv2D", 619020863)]
    [InlineData("Concatenate axis 3", 1523349530)]
    public void Of_Name_MatchesFnv1aOfUtf16Bytes(string name, int expected) =>
        Assert.Equal(expected, StableSeed.Of(name));
}
