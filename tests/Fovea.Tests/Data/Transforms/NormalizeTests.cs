using Fovea.Data;
using Fovea.Data.Transforms;
using Xunit;
using static Fovea.Tests.Data.Transforms.Images;

namespace Fovea.Tests.Data.Transforms;

public class NormalizeTests
{
    [Fact]
    public void Apply_TwoChannels_SubtractsMeanDividesByStd()
    {
        var normalize = new Normalize(new Normalization([0.5f, 1f], [0.25f, 2f]));

        var y = Apply(normalize, Make(2, 1, 2, (c, _, j) => c == 0 ? j : 3 + 2 * j));

        TensorAssert.Close([-2f, 2f, 1f, 2f], y.ToArray(), 1e-6, 0, "(x − mean) / std");
    }

    [Fact]
    public void OutputShape_WrongChannelCount_Throws()
    {
        var normalize = new Normalize(new Normalization([0.5f], [0.25f]));

        var e = Assert.Throws<ArgumentException>(() => normalize.OutputShape([3, 4, 4]));

        Assert.Contains("[1, H, W]", e.Message);
        Assert.Contains("[3, 4, 4]", e.Message);
    }
}
