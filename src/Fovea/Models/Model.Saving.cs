using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models;

public partial class Model
{
    /// <summary>File names inside a saved model folder.</summary>
    public const string ConfigFileName = "model.json";
    public const string WeightsFileName = "model.safetensors";

    /// <summary>Writes every weight to a safetensors file (PyTorch-readable), atomically.</summary>
    public void SaveWeights(string path)
    {
        if (!Built)
            throw new FoveaException($"model '{Name}' has no weights yet: build it (Build or Fit) before SaveWeights");
        Safetensors.Save(path, NamedWeights().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value)),
            new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "Fovea", ["model"] = Name ?? "" });
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/>. Every weight of the model must be in the file with the same
    /// shape, and the file must hold nothing else; otherwise nothing is changed and the error names the tensor.
    /// Only a weight newer than the file may be absent (BatchNormalization's batch count: the file's statistics are
    /// taken as warmed up).
    /// </summary>
    public void LoadWeights(string path)
    {
        if (!Built)
            throw new FoveaException($"model '{Name}' must be built (Build(sampleShape)) before LoadWeights('{path}')");
        var (tensors, _) = Safetensors.Load(path);
        var byName = new Dictionary<string, Tensor>();
        foreach (var (k, t) in tensors)
            byName[k] = t;
        var named = NamedWeights();
        foreach (var (name, w) in named)
        {
            if (!byName.TryGetValue(name, out var t))
            {
                if (w.ValueWhenMissing is not null)
                    continue;
                throw new FoveaException($"'{path}' has no tensor '{name}' (the model expects {w.Shape})");
            }
            if (t.Shape != w.Shape)
                throw new FoveaException($"'{path}': tensor '{name}' has shape {t.Shape}, the model expects {w.Shape}");
        }
        var expected = named.Select(kv => kv.Key).ToHashSet();
        var extra = byName.Keys.FirstOrDefault(k => !expected.Contains(k));
        if (extra is not null)
            throw new FoveaException($"'{path}' holds tensor '{extra}' {byName[extra].Shape}, which model '{Name}' does not have");
        foreach (var (name, w) in named)
        {
            if (byName.TryGetValue(name, out var t))
                w.Assign(t.AsReadOnlySpan());
            else
                w.AsSpan().Fill(w.ValueWhenMissing!.Value);
        }
    }

    /// <summary>Saves the whole model into folder <paramref name="directory"/>: config (JSON) and weights (safetensors).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var config = new JsonObject { ["format"] = "fovea-model", ["version"] = 1, ["class"] = TypeName, ["config"] = GetConfig() };
        SaveWeights(Path.Combine(directory, WeightsFileName));
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFileName),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// A new model with the same layers, graph and trainable flags as this one and freshly initialised weights drawn
    /// from <paramref name="seed"/> (Keras <c>clone_model</c>): the same architecture trained from scratch, e.g. an
    /// imported pretrained network re-initialised as a baseline. Nothing is shared with this model. Each layer takes
    /// its configured initializers; imported ONNX layers carry those of a fresh layer (He normal for convolution
    /// kernels, Glorot uniform for dense ones, γ = 1, β = 0 and unit statistics for BatchNormalization), while the
    /// constants of <c>OnnxOp</c> layers (Fovea.Onnx) start at zero.
    /// </summary>
    /// <param name="seed">Seed of the fresh weights.</param>
    /// <param name="batchNormMomentum">When given, every BatchNormalization of the clone (nested models included)
    /// takes this momentum (moving = m·moving + (1 − m)·batch). An imported network's momentum suits its long
    /// original training (0.988 for the CNTK ResNet-18: a memory of about 80 steps) and leaves the moving
    /// statistics behind the weights in a short run from scratch; 0.9 is PyTorch's default (its momentum 0.1).
    /// </param>
    public Model CloneArchitecture(int seed = 0, float? batchNormMomentum = null)
    {
        var config = GetConfig();
        config["seed"] = seed;
        if (batchNormMomentum is float momentum)
            SetBatchNormMomentum(config, momentum);
        using var _ = Seeded(seed);
        Model clone = TypeName switch
        {
            "Sequential" => Sequential.FromConfig(config),
            "Functional" => FromFunctionalConfig(config),
            _ => throw new FoveaException($"model '{Name}' ({TypeName}) cannot be cloned from its config"),
        };
        if (!clone.Built && SampleShape is { } shape)
            clone.Build(shape.ToArray());
        return clone;
    }

    /// <summary>Sets "momentum" in the config of every BatchNormalization listed in <paramref name="config"/>'s
    /// layers, nested models included.</summary>
    private static void SetBatchNormMomentum(JsonObject config, float momentum)
    {
        if (momentum is < 0 or > 1)
            throw new ArgumentOutOfRangeException("batchNormMomentum", $"expected [0, 1], received {momentum}");
        foreach (var entry in (config["layers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (entry["config"] is not JsonObject layer)
                continue;
            if (entry["class"]?.GetValue<string>() == nameof(BatchNormalization))
                layer["momentum"] = momentum;
            else
                SetBatchNormMomentum(layer, momentum);
        }
    }

    /// <summary>Loads a model saved with <see cref="Save"/>.</summary>
    public static Model Load(string directory)
    {
        string configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
            throw new FoveaException($"'{directory}' is not a saved model: '{ConfigFileName}' is missing");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject
                ?? throw new FoveaException($"'{configPath}' is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FoveaException($"'{configPath}' is not valid JSON: {e.Message}", e);
        }
        string type = root["class"]?.GetValue<string>() ?? throw new FoveaException($"'{configPath}' has no model 'class'");
        var config = root["config"] as JsonObject ?? throw new FoveaException($"'{configPath}' has no 'config'");
        Model model = type switch
        {
            "Sequential" => Sequential.FromConfig(config),
            "Functional" => FromFunctionalConfig(config),
            _ => throw new FoveaException($"'{configPath}': unknown model class '{type}'"),
        };
        if (!model.Built)
            throw new FoveaException($"'{configPath}' has no input shape, so its weights cannot be placed");
        model.LoadWeights(Path.Combine(directory, WeightsFileName));
        return model;
    }
}
