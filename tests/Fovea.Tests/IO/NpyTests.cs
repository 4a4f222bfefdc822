using Fovea.IO;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.IO;

/// <summary>.npy files written by numpy (tools/golden/make_npy.py, values stated inline) and Fovea's own round trip.</summary>
public sealed class NpyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "golden", "npy", name);

    [Fact]
    public void Load_ReadsNumpyFilesOfEachDtype()
    {
        var a = Npy.Load(Golden("f4_2x3.npy"));
        Assert.Equal(new Shape(2, 3), a.Shape);
        Assert.Equal([-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f], a.ToArray());
        var s = Npy.Load(Golden("f8_scalar.npy"));
        Assert.Equal(0, s.Rank);
        Assert.Equal(0.125f, s.Item());
        Assert.Equal([0f, -3f, -6f, -9f, -12f], Npy.Load(Golden("i8_5.npy")).ToArray());
        var u = Npy.Load(Golden("u1_2x2x2.npy"));
        Assert.Equal(new Shape(2, 2, 2), u.Shape);
        Assert.Equal(210f, u[1, 1, 1]);
        Assert.Equal([0.5f, -1f, 2f, 65504f], Npy.Load(Golden("f2_4.npy")).ToArray());
    }

    [Fact]
    public void Load_FortranOrder_ClearError()
    {
        var e = Assert.Throws<FoveaException>(() => Npy.Load(Golden("f4_fortran.npy")));
        Assert.Contains("Fortran", e.Message);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    public void SaveLoad_RoundTrips(int[] shape)
    {
        var t = Tensor.RandomNormal(shape, new Rng(shape.Length));
        string path = Path.Combine(_dir, "t.npy");
        Npy.Save(path, t);
        var back = Npy.Load(path);
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.ToArray(), back.ToArray());
        Assert.Equal(0, (File.ReadAllBytes(path).Length - 4 * t.Length) % 64); // header padded to 64 bytes
    }

    [Fact]
    public void Load_TruncatedOrForeign_ClearErrors()
    {
        string path = Path.Combine(_dir, "t.npy");
        Npy.Save(path, Tensor.Arange([10, 10]));
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..200]);
        Assert.Contains("truncated", Assert.Throws<FoveaException>(() => Npy.Load(path)).Message);
        File.WriteAllText(path, "hello");
        Assert.Contains("magic", Assert.Throws<FoveaException>(() => Npy.Load(path)).Message);
    }
}
