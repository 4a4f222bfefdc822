using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// Makes training survive interruption (Keras <c>BackupAndRestore</c>): after every epoch it writes one checkpoint
/// file, atomically (temporary file, then rename), holding the weights, the optimizer's state (moments, step counts,
/// learning rate), every random generator (model, layers, training data), the trainer's step count, the history and
/// the state of every <see cref="ICheckpointable"/> callback. When Fit starts and the file exists, all of it is put
/// back and training continues with the next epoch — ending with exactly the weights of an uninterrupted run, since
/// Fovea's kernels are deterministic for a given thread count.
/// </summary>
public sealed class BackupAndRestore(string directory) : Callback
{
    public const string FileName = "checkpoint.safetensors";

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; } = Path.Combine(directory, FileName);

    /// <summary>The epoch (from 0) the run resumed after, or −1 when it started fresh.</summary>
    public int RestoredEpoch { get; private set; } = -1;

    public override void OnTrainBegin()
    {
        RestoredEpoch = -1;
        AtomicFile.DeleteStaleTemporaries(FilePath);
        if (!File.Exists(FilePath))
            return;
        var (tensors, meta) = Safetensors.Load(FilePath);
        var arrays = tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (!meta.TryGetValue("fovea_checkpoint", out string? json) || JsonNode.Parse(json) is not JsonObject state)
            throw new FoveaException($"'{FilePath}' is not a Fovea training checkpoint");
        Restore(state, arrays);
    }

    public override void OnEpochComplete(int epoch)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var state = new JsonObject { ["epoch"] = epoch, ["global_step"] = Run.Trainer.GlobalStep };
        foreach (var (name, w) in Model.NamedWeights())
            tensors.Add(new("model/" + name, w));
        var optimizer = Model.Optimizer ?? throw new FoveaException("BackupAndRestore needs a compiled model");
        var steps = new JsonObject();
        foreach (var (name, w) in Model.NamedWeights())
        {
            if (optimizer.GetState(w) is not { } s)
                continue;
            steps[name] = s.Steps;
            for (int i = 0; i < s.Slots.Count; i++)
                tensors.Add(new($"optimizer/{name}/{i}", Tensor.Wrap(s.Slots[i], w.Shape)));
        }
        state["optimizer"] = new JsonObject
        {
            ["iterations"] = optimizer.Iterations, ["learning_rate"] = optimizer.LearningRate, ["steps"] = steps,
        };
        state["rng"] = new JsonArray(Model.RandomStreams().Select(r => (JsonNode)Words(r.GetState())).ToArray());
        if (Run.DataRng is { } data)
            state["data_rng"] = Words(data.GetState());
        state["history"] = HistoryJson(Run.History);
        var callbacks = new JsonArray();
        for (int i = 0; i < Run.Callbacks.Count; i++)
        {
            if (Run.Callbacks[i] is not ICheckpointable c)
            {
                callbacks.Add(null);
                continue;
            }
            var (values, cbArrays) = c.GetState();
            callbacks.Add(new JsonObject { ["type"] = Run.Callbacks[i].GetType().Name, ["values"] = values });
            foreach (var (key, a) in cbArrays)
                tensors.Add(new($"callback/{i}/{key}", Tensor.Wrap(a, [a.Length])));
        }
        state["callbacks"] = callbacks;
        Safetensors.Save(FilePath, tensors, new Dictionary<string, string> { ["fovea_checkpoint"] = state.ToJsonString() });
    }

    private void Restore(JsonObject state, Dictionary<string, Tensor> arrays)
    {
        foreach (var (name, w) in Model.NamedWeights())
        {
            var t = arrays.GetValueOrDefault("model/" + name);
            if (t is null && w.ValueWhenMissing is { } missing)
            {
                w.AsSpan().Fill(missing);
                continue;
            }
            if (t is null)
                throw new FoveaException($"'{FilePath}' has no weight '{name}': it was written for another model");
            if (t.Shape != w.Shape)
                throw new FoveaException($"'{FilePath}': weight '{name}' has shape {t.Shape}, the model expects {w.Shape}");
            w.Assign(t.AsReadOnlySpan());
        }
        var optimizer = Model.Optimizer ?? throw new FoveaException("BackupAndRestore needs a compiled model");
        var o = state["optimizer"]!.AsObject();
        optimizer.Iterations = o["iterations"]!.GetValue<int>();
        optimizer.LearningRate = o["learning_rate"]!.GetValue<double>();
        foreach (var (name, w) in Model.NamedWeights())
        {
            if (o["steps"]?[name] is not { } steps)
                continue;
            var slots = new List<float[]>();
            while (arrays.TryGetValue($"optimizer/{name}/{slots.Count}", out var slot))
                slots.Add(slot.ToArray());
            optimizer.SetState(w, slots.ToArray(), steps.GetValue<int>());
        }
        var streams = Model.RandomStreams();
        var saved = state["rng"]!.AsArray();
        if (saved.Count != streams.Count)
            throw new FoveaException($"'{FilePath}' holds {saved.Count} random streams, the model has {streams.Count}");
        for (int i = 0; i < streams.Count; i++)
            streams[i].SetState(Words(saved[i]!.GetValue<string>()));
        if (Run.DataRng is { } data && state["data_rng"] is { } d)
            data.SetState(Words(d.GetValue<string>()));
        Run.Trainer.GlobalStep = state["global_step"]!.GetValue<long>();
        RestoreHistory(state["history"]!.AsObject());
        var callbacks = state["callbacks"]!.AsArray();
        for (int i = 0; i < Math.Min(callbacks.Count, Run.Callbacks.Count); i++)
        {
            if (Run.Callbacks[i] is not ICheckpointable c || callbacks[i] is not JsonObject entry)
                continue;
            string prefix = $"callback/{i}/";
            var cbArrays = arrays.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value.ToArray());
            c.SetState(entry["values"]!.AsObject(), cbArrays);
        }
        RestoredEpoch = state["epoch"]!.GetValue<int>();
        Run.InitialEpoch = RestoredEpoch + 1;
    }

    private static JsonObject HistoryJson(History h)
    {
        var values = new JsonObject();
        foreach (var (k, list) in h.Values)
            values[k] = new JsonArray(list.Select(v => (JsonNode)v.ToString("R", CultureInfo.InvariantCulture)).ToArray());
        return new JsonObject { ["epochs"] = new JsonArray(h.Epochs.Select(e => (JsonNode)e).ToArray()), ["values"] = values };
    }

    private void RestoreHistory(JsonObject json)
    {
        var epochs = json["epochs"]!.AsArray().Select(e => e!.GetValue<int>()).ToList();
        var values = json["values"]!.AsObject();
        for (int i = 0; i < epochs.Count; i++)
        {
            var logs = values.ToDictionary(kv => kv.Key,
                kv => double.Parse(kv.Value![i]!.GetValue<string>(), CultureInfo.InvariantCulture));
            Run.History.Append(epochs[i], logs);
        }
    }

    private static string Words(ulong[] state) => string.Join(',', state.Select(w => w.ToString(CultureInfo.InvariantCulture)));

    private static ulong[] Words(string text) =>
        text.Split(',').Select(w => ulong.Parse(w, CultureInfo.InvariantCulture)).ToArray();
}
