using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data.Transforms;

/// <summary>Small known images for the augmentation tests, and one-image application helpers.</summary>
internal static class Images
{
    /// <summary>An image [C, H, W] whose pixel (c, row, column) is <paramref name="value"/>(c, row, column).</summary>
    public static Tensor Make(int c, int h, int w, Func<int, int, int, float> value)
    {
        var t = Tensor.Zeros([c, h, w]);
        for (int p = 0; p < c; p++)
        for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
            t[p, i, j] = value(p, i, j);
        return t;
    }

    /// <summary>One channel from rows of values.</summary>
    public static Tensor Rows(params float[][] rows) => Make(1, rows.Length, rows[0].Length, (_, i, j) => rows[i][j]);

    /// <summary>The pixels of channel <paramref name="c"/> as rows (for readable equality assertions).</summary>
    public static float[][] ToRows(Tensor image, int c = 0)
    {
        int h = image.Shape[1], w = image.Shape[2];
        return [.. Enumerable.Range(0, h).Select(i => Enumerable.Range(0, w).Select(j => image[c, i, j]).ToArray())];
    }

    /// <summary>Applies <paramref name="transform"/> to one image with a generator seeded by
    /// <paramref name="seed"/>.</summary>
    public static Tensor Apply(ImageTransform transform, Tensor image, int seed = 0) =>
        transform.Apply(image, new Rng(seed));

    /// <summary>Asserts two sets of rows are equal within <paramref name="tolerance"/>.</summary>
    public static void RowsEqual(float[][] expected, float[][] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            TensorAssert.Close(expected[i], actual[i], tolerance, 0, $"row {i}");
    }
}
