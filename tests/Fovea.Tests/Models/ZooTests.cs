using Fovea.Models.Zoo;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Models;

public class ZooTests
{
    [Fact]
    public void ResNet18_HasTorchvisionParameterCountAndNames()
    {
        var m = ResNet.ResNet18();
        // torchvision.models.resnet18(): 11,689,512 parameters (BatchNorm running statistics are buffers there).
        Assert.Equal(11_689_512, m.TrainableWeights.Sum(w => (long)w.Length));
        var names = m.NamedWeights().Select(kv => kv.Key).ToHashSet();
        Assert.Contains("conv1.kernel", names);
        Assert.Contains("layer2.0.downsample.0.kernel", names);
        Assert.Contains("layer4.1.bn2.moving_variance", names);
        Assert.Contains("fc.kernel", names);
    }

    [Fact]
    public void ResNet50_HasTorchvisionParameterCount()
    {
        // torchvision.models.resnet50(): 25,557,032 parameters.
        Assert.Equal(25_557_032, ResNet.ResNet50().TrainableWeights.Sum(w => (long)w.Length));
    }

    [Fact]
    public void ResNet18_SmallInput_ProducesLogitsPerClass()
    {
        var m = ResNet.ResNet18(classes: 7, inputShape: [3, 64, 64]);
        var y = m.Predict(Tensor.RandomNormal([2, 3, 64, 64], new Rng(1)));
        Assert.Equal(new Shape(2, 7), y.Shape);
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
        var features = ResNet.ResNet18(includeTop: false, inputShape: [3, 32, 32]);
        Assert.Equal(new Shape(512), features.Outputs[0].Shape);
    }
}
