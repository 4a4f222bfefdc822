using Fovea.Onnx.Protobuf;

namespace Fovea.Onnx;

internal sealed partial class OnnxGraphImporter
{
    /// <summary>
    /// The tensor names the model outputs: the graph's outputs, or those of <see cref="OnnxImportOptions.Outputs"/>
    /// (a node name stands for the node's first output).
    /// </summary>
    private List<string> OutputNames(GraphProto graph)
    {
        if (_options.Outputs is not { Count: > 0 } requested)
            return graph.Output.Select(o => o.Name).ToList();
        var tensors = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        var firstOutputOfNode = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            tensors.UnionWith(node.Output.Where(o => o.Length > 0));
            if (node.Name.Length > 0 && node.Output.Count > 0)
                firstOutputOfNode.TryAdd(node.Name, node.Output[0]);
        }
        var names = new List<string>();
        foreach (string name in requested)
        {
            if (tensors.Contains(name))
                names.Add(name);
            else if (firstOutputOfNode.TryGetValue(name, out var output))
                names.Add(output);
            else
                throw Error($"the requested output '{name}' is neither a tensor nor a node of the graph (the graph " +
                    $"outputs {string.Join(", ", graph.Output.Select(o => $"'{o.Name}'"))})");
        }
        return names;
    }

    /// <summary>
    /// The nodes needed to compute <paramref name="outputs"/>: walked back from them through node inputs, including
    /// the outer values that control-flow subgraphs read.
    /// </summary>
    private static HashSet<NodeProto> NeededNodes(GraphProto graph, IEnumerable<string> outputs)
    {
        var wanted = new HashSet<string>(outputs, StringComparer.Ordinal);
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        for (int k = graph.Node.Count - 1; k >= 0; k--)
        {
            var node = graph.Node[k];
            if (!node.Output.Any(wanted.Contains))
                continue;
            needed.Add(node);
            wanted.UnionWith(node.Input.Where(i => i.Length > 0));
            foreach (var attribute in node.Attribute)
            {
                foreach (var sub in attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G))
                    wanted.UnionWith(NamesRead(sub));
            }
        }
        return needed;
    }

    /// <summary>Every value name the nodes of <paramref name="graph"/> (and their subgraphs) read.</summary>
    private static IEnumerable<string> NamesRead(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Input.Concat(n.Attribute.SelectMany(a =>
            (a.G is null ? a.Graphs : a.Graphs.Append(a.G)).SelectMany(NamesRead))));
}
