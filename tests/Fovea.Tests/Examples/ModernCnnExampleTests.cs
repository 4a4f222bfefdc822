using Fovea.Data;
using Fovea.Examples.ModernCnn;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>
/// examples/ModernCnn (the walkthrough's Part 2): the Keras-style flow runs end to end on 1,000 Fashion-MNIST images,
/// and the helpers it introduced (<see cref="Utils.ToCategorical"/>, names in <c>Compile</c> and <c>Activation</c>,
/// the (x, y) pair as validation data) do what Keras's do.
/// </summary>
public sealed class ModernCnnExampleTests
{
    [Fact]
    public void WalkthroughFlow_TrainsAboveChance_WithValidationCurvesAndPlot()
    {
        var (train, test) = FashionMnist.Load();
        string folder = Path.Combine(Path.GetTempPath(), $"fovea-modern-cnn-{Guid.NewGuid():N}");
        try
        {
            var result = ModernCnnExample.Run(train.Take(800), test.Take(400), epochs: 2, batchSize: 32,
                TextWriter.Null, folder, verbose: 0);
            // Chance is 0.1; measured 0.28 after 2 epochs of 25 steps (Keras BN momentum 0.99: the moving statistics
            // used at test time still lag), and 0.2 leaves room for other SIMD paths and thread counts.
            Assert.True(result.TestAccuracy > 0.2, $"test accuracy {result.TestAccuracy}");
            Assert.Equal(2, result.History["val_loss"].Count);
            Assert.Equal(2, result.History["val_accuracy"].Count);
            Assert.True(result.History["loss"][^1] < result.History["loss"][0], "training loss did not fall");
            Assert.True(new FileInfo(Path.Combine(folder, "history.png")).Length > 1000);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ModernCnn_HasTheWalkthroughsParameterCount()
    {
        // Keras counts for create_modern_cnn((32, 32, 3)): conv 3·3·3·32+32, BN 4·32, conv 9·32·32+32, BN 4·32,
        // conv 9·32·64+64, BN 4·64, conv 9·64·64+64, BN 4·64, conv 9·64·128+128, BN 4·128, dense 128·128+128,
        // dense 128·10+10.
        var model = ModernCnnExample.CreateModernCnn([3, 32, 32]);
        long keras = (27 * 32 + 32) + 128 + (9 * 32 * 32 + 32) + 128 + (9 * 32 * 64 + 64) + 256
            + (9 * 64 * 64 + 64) + 256 + (9 * 64 * 128 + 128) + 512 + (128 * 128 + 128) + (128 * 10 + 10);
        Assert.Equal(158_506, keras);   // model.summary()'s "Total params" for this model in Keras
        // Keras's non-trainable part is the moving mean and variance (2 × 320); Fovea also keeps PyTorch's batch
        // count per BatchNormalization layer (5 of them) as a non-trainable weight.
        Assert.Equal(keras - 640, model.TrainableWeights.Sum(w => (long)w.Length));
        Assert.Equal(keras + 5, model.ParameterCount);
    }

    [Fact]
    public void ToCategorical_GivesOneHotRows_AndRefusesBadLabels()
    {
        var rows = Utils.ToCategorical(Tensor.FromArray(2f, 0f, 1f), 3);
        Assert.Equal(new Shape(3, 3), rows.Shape);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f], rows.ToArray());
        var ex = Assert.Throws<FoveaException>(() => Utils.ToCategorical(Tensor.FromArray(0f, 3f), 3));
        Assert.Contains("label 3 of sample 1", ex.Message);
        Assert.Throws<FoveaException>(() => Utils.ToCategorical(Tensor.FromArray(0.5f), 3));
    }

    [Fact]
    public void KerasNames_GiveTheKerasObjects_AndUnknownNamesListTheKnownOnes()
    {
        Assert.IsType<AdamW>(Optimizers.Get("adamw"));
        Assert.Equal(0.004, ((AdamW)Optimizers.Get("AdamW")).WeightDecay);
        Assert.Equal("categorical_crossentropy", Losses.Get("categorical_crossentropy").Name);
        Assert.Equal("mean_squared_error", Losses.Get("mse").Name);
        Assert.Equal("accuracy", Metrics.Get("acc").Name);
        Assert.Contains("known: adam, adamw, sgd", Assert.Throws<FoveaException>(() => Optimizers.Get("rmsprop")).Message);
        Assert.Contains("unknown loss 'hinge'", Assert.Throws<FoveaException>(() => Losses.Get("hinge")).Message);
        Assert.Equal("swish", new Activation("swish").Function.Name);
        Assert.Equal("relu", new Dense(4, activation: "relu").Activation!.Name);
        Assert.Throws<FoveaException>(() => new Activation("nope"));
    }

    [Fact]
    public void PairOfTensors_ConvertsToADataset()
    {
        var x = Tensor.Zeros(new Shape(4, 1, 2, 2));
        var y = Tensor.FromArray(0f, 1f, 0f, 1f);
        Dataset data = (x, y);
        Assert.Same(x, data.Features);
        Assert.Same(y, data.Labels);
    }
}
