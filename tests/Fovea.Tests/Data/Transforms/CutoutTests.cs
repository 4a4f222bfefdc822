using Fovea.Data.Transforms;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Data.Transforms;

public class CutoutTests
{
    [Fact]
    public void Apply_ThreeByThree_ClippedRectangleAroundACentreInEveryChannel()
    {
        var cutout = new Cutout(3, value: -1);
        var rng = new Rng(1);
        bool sawFull = false, sawClipped = false;
        for (int k = 0; k < 100; k++)
        {
            var y = cutout.Apply(Images.Make(2, 6, 6, (_, _, _) => 1), rng);

            var box = RandomErasingTests.ErasedBox(y, 0, -1);
            Assert.InRange(box.Height, 2, 3);
            Assert.InRange(box.Width, 2, 3);
            Assert.Equal(box, RandomErasingTests.ErasedBox(y, 1, -1));
            sawFull |= box.Height * box.Width == 9;
            sawClipped |= box.Height * box.Width < 9;
        }

        Assert.True(sawFull && sawClipped, "expected both whole patches and patches clipped by the border");
    }
}
