using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class RandomCropTests
{
    private static readonly Tensor s_grid = Rows([1, 2, 3], [4, 5, 6], [7, 8, 9]);

    /// <summary>The 3×3 windows of the grid padded by one zero on every side, keyed by their top-left corner.
    /// </summary>
    private static Dictionary<(int, int), float[]> PaddedWindows()
    {
        float At(int i, int j) => i is >= 0 and < 3 && j is >= 0 and < 3 ? s_grid[0, i, j] : 0;
        var windows = new Dictionary<(int, int), float[]>();
        for (int top = -1; top <= 1; top++)
        for (int left = -1; left <= 1; left++)
        {
            windows[(top, left)] =
                [.. Enumerable.Range(0, 9).Select(k => At(top + k / 3, left + k % 3))];
        }
        return windows;
    }

    [Fact]
    public void Apply_PadOneCropThree_EveryOutputIsAPaddedWindowAndAllOccur()
    {
        var crop = new RandomCrop(3, padding: 1);
        var windows = PaddedWindows();
        var seen = new HashSet<(int, int)>();
        var rng = new Rng(0);
        for (int k = 0; k < 200; k++)
        {
            float[] y = crop.Apply(s_grid, rng).ToArray();
            var match = windows.Where(w => w.Value.SequenceEqual(y)).Select(w => w.Key).ToList();
            Assert.Single(match);
            seen.Add(match[0]);
        }

        Assert.Equal(9, seen.Count);
    }

    [Fact]
    public void Apply_SmallerThanImage_ReturnsAWindowOfTheRequestedSize()
    {
        var y = Apply(new RandomCrop((2, 1)), s_grid, seed: 4);

        Assert.Equal(new Shape(1, 2, 1), y.Shape);
        float[] v = y.ToArray();
        Assert.Equal(v[0] + 3, v[1]);   // two vertically adjacent pixels of the grid
    }

    [Fact]
    public void Apply_ReflectPadding_FillsFromTheMirror()
    {
        // Crop 5 of a 3-wide row padded by 1: the only window is the whole padded row.
        var y = Apply(new RandomCrop((1, 5), padding: 1, fill: FillMode.Reflect), Rows([1, 2, 3]));

        Assert.Equal(new Shape(1, 1, 5), y.Shape);
        Assert.Equal([1f, 1, 2, 3, 3], y.ToArray());
    }

    [Fact]
    public void OutputShape_CropLargerThanPaddedImage_ThrowsNamingShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomCrop(8, padding: 2).OutputShape([3, 3, 3]));

        Assert.Contains("[3, 3, 3]", e.Message);
        Assert.Contains("8×8", e.Message);
    }
}
