using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Models;

/// <summary>
/// Every way to get several inputs and outputs wrong, and what the message says: which input or output, what was
/// received and what was expected.
/// </summary>
public sealed class ModelMultiIOErrorTests
{
    private static readonly (Tensor Image, Tensor Features, Tensor Class, Tensor Size) s_data =
        ModelMultiIOTests.Data(8, 9);

    private static Model Compiled()
    {
        var m = ModelMultiIOTests.TwoInTwoOut(1);
        m.Compile(new Sgd(0.1), [Losses.SparseCategoricalCrossentropy(fromLogits: true), Losses.MeanSquaredError()]);
        return m;
    }

    private static Dictionary<string, Tensor> Named(params (string Key, Tensor Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void Fit_TooFewInputs_NamesCountsAndInputs()
    {
        var e = Assert.Throws<FoveaException>(() =>
            Compiled().Fit([s_data.Image], [s_data.Class, s_data.Size], verbose: 0));

        Assert.Contains("takes 2 inputs (image, features), the data has 1", e.Message);
    }

    [Fact]
    public void Fit_TooFewTargets_NamesCountsAndOutputs()
    {
        var e = Assert.Throws<FoveaException>(() =>
            Compiled().Fit([s_data.Image, s_data.Features], [s_data.Class], verbose: 0));

        Assert.Contains("has 2 outputs (class, size), the data has 1 target", e.Message);
    }

    [Fact]
    public void Fit_UnknownInputName_ListsTheInputs()
    {
        var e = Assert.Throws<FoveaException>(() => Compiled().Fit(
            Named(("imgae", s_data.Image), ("features", s_data.Features)),
            Named(("class", s_data.Class), ("size", s_data.Size)), verbose: 0));

        Assert.Contains("input 'imgae' is not an input of model 'two_heads'; its inputs are image, features",
            e.Message);
    }

    [Fact]
    public void Fit_MissingInputName_NamesIt()
    {
        var e = Assert.Throws<FoveaException>(() => Compiled().Fit(
            Named(("image", s_data.Image)), Named(("class", s_data.Class), ("size", s_data.Size)), verbose: 0));

        Assert.Contains("no input 'features'", e.Message);
    }

    [Fact]
    public void Fit_MissingTargetForOutputWithLoss_NamesTheOutput()
    {
        var e = Assert.Throws<FoveaException>(() => Compiled().Fit(
            Named(("image", s_data.Image), ("features", s_data.Features)), Named(("class", s_data.Class)),
            verbose: 0));

        Assert.Contains("no target for output 'size'", e.Message);
        Assert.Contains("the data's targets are class", e.Message);
    }

    [Fact]
    public void Fit_UnknownTargetName_ListsTheOutputs()
    {
        var e = Assert.Throws<FoveaException>(() => Compiled().Fit(
            Named(("image", s_data.Image), ("features", s_data.Features)),
            Named(("class", s_data.Class), ("sise", s_data.Size)), verbose: 0));

        Assert.Contains("target 'sise' is not an output of model 'two_heads'; its outputs are class, size", e.Message);
    }

    [Fact]
    public void Fit_WrongInputShape_NamesInputAndShapes()
    {
        var wrong = Tensor.Zeros([8, 5]);

        var e = Assert.Throws<FoveaException>(() =>
            Compiled().Fit([s_data.Image, wrong], [s_data.Class, s_data.Size], verbose: 0));

        Assert.Contains("input 'features' of model 'two_heads' expects samples of shape [4]", e.Message);
        Assert.Contains("input 1 has [5]", e.Message);
    }

    [Fact]
    public void Fit_WrongTargetShape_NamesOutputLossAndShapes()
    {
        var wrong = Tensor.Zeros([8, 3]);

        var e = Assert.Throws<FoveaException>(() =>
            Compiled().Fit([s_data.Image, s_data.Features], [s_data.Class, wrong], verbose: 0));

        Assert.Contains("output 'size': mean_squared_error: expected targets of the prediction's shape [8, 2], "
            + "received [8, 3]", e.Message);
    }

    [Fact]
    public void Dataset_SampleCountsDiffer_NamesBothTensors()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new Dataset([s_data.Image, Tensor.Zeros([7, 4])], [s_data.Class]));

        Assert.Contains("input 0 [8, 1, 6, 6] holds 8 samples but input 1 [7, 4] holds 7", e.Message);
    }

    [Fact]
    public void Dataset_NoTargets_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset([s_data.Image], Array.Empty<Tensor>()));

        Assert.Contains("at least one target", e.Message);
    }

    [Fact]
    public void NamedData_ModelWithRepeatedInputNames_AsksToNameThem()
    {
        var a = Input.Create([2]);
        var b = Input.Create([2]);
        var m = new Model([a, b], new Add(name: "sum").Call([a, b]), "unnamed");
        m.Compile(new Sgd(0.1), Losses.MeanSquaredError());
        var x = Tensor.Zeros([4, 2]);

        var e = Assert.Throws<FoveaException>(() =>
            m.Fit(Named(("input", x)), Named(("sum", x)), verbose: 0));

        Assert.Contains("several inputs named 'input'", e.Message);
        Assert.Contains("Input.Create(shape, name)", e.Message);
    }

    [Fact]
    public void Predict_ModelWithTwoOutputs_PointsToPredictAll()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();

        var single = Assert.Throws<FoveaException>(() => m.Predict(s_data.Image));
        var list = Assert.Throws<FoveaException>(() => m.Predict([s_data.Image, s_data.Features]));

        Assert.Contains("2 inputs (image, features) and 2 outputs (class, size); call PredictAll", single.Message);
        Assert.Contains("2 outputs (class, size); call PredictAll", list.Message);
    }

    [Fact]
    public void PredictAll_WrongCountOrRows_SaysWhat()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();

        var count = Assert.Throws<FoveaException>(() => m.PredictAll([s_data.Image]));
        var rows = Assert.Throws<FoveaException>(() => m.PredictAll([s_data.Image, Tensor.Zeros([3, 4])]));
        var name = Assert.Throws<FoveaException>(() => m.PredictAll(Named(("image", s_data.Image),
            ("extra", s_data.Features))));

        Assert.Contains("takes 2 inputs (image, features), received 1", count.Message);
        Assert.Contains("input 'features' [3, 4] holds 3 samples but input 'image' [8, 1, 6, 6] holds 8", rows.Message);
        Assert.Contains("'extra' is not an input", name.Message);
    }

    [Fact]
    public void Compile_WrongNumberOfLosses_SaysReceivedAndExpected()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();

        var e = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(), [Losses.MeanSquaredError()]));
        var w = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(),
            [Losses.MeanSquaredError(), Losses.MeanSquaredError()], lossWeights: [1.0]));

        Assert.Contains("losses: model 'two_heads' has 2 outputs (class, size), received 1 entries", e.Message);
        Assert.Contains("lossWeights: model 'two_heads' has 2 outputs", w.Message);
    }

    [Fact]
    public void Compile_UnknownOutputName_ListsTheOutputs()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();

        var e = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(),
            new Dictionary<string, Loss> { ["sise"] = Losses.MeanSquaredError() }));

        Assert.Contains("losses: 'sise' is not an output of model 'two_heads'; its outputs are class, size", e.Message);
    }

    [Fact]
    public void Compile_FlatMetricsForTwoOutputs_AsksForMetricsPerOutput()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();

        var e = Assert.Throws<ArgumentException>(() =>
            m.Compile(new Sgd(), Losses.MeanSquaredError(), [Metrics.MeanAbsoluteError]));

        Assert.Contains("has 2 outputs (class, size); give the metrics per output", e.Message);
    }

    [Fact]
    public void Compile_NoLossAtAll_NegativeWeight_SharedMetric_Throw()
    {
        var m = ModelMultiIOTests.TwoInTwoOut();
        var shared = Metrics.MeanAbsoluteError;

        var none = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(), [null, null]));
        var negative = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(),
            [Losses.MeanSquaredError(), Losses.MeanSquaredError()], lossWeights: [1.0, -0.5]));
        var twice = Assert.Throws<ArgumentException>(() => m.Compile(new Sgd(),
            [Losses.MeanSquaredError(), Losses.MeanSquaredError()], metrics: [[shared], [shared]]));

        Assert.Contains("no output of model 'two_heads' has a loss", none.Message);
        Assert.Contains("the loss weight of output 'size' must be finite and >= 0, received -0.5", negative.Message);
        Assert.Contains("same Metric object was given for two outputs", twice.Message);
    }

    [Fact]
    public void DataLoader_BatchTransformOnSeveralTensors_Refused()
    {
        var data = new Dataset([s_data.Image, s_data.Features], [s_data.Class, s_data.Size]);

        var e = Assert.Throws<ArgumentException>(() =>
            new DataLoader(data, 4, batchTransform: new MixUp(alpha: 0.2, classes: 3)));

        Assert.Contains("the dataset has 2 inputs and 2 targets", e.Message);
    }
}
