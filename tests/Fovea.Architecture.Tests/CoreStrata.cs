using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Fovea.Architecture.Tests;

/// <summary>
/// The namespace strata of the core assembly, lowest first (ARCHITECTURE.md draws them). A namespace may depend on
/// namespaces of lower strata only: not on its own stratum's siblings, not on anything above. Sub-namespaces belong
/// to their parent's stratum (<c>Fovea.Autograd.Functions</c> is Autograd). One more rule keeps the path
/// layer → op → kernel: Layers, Models and Reports do not reach Kernels directly.
/// </summary>
internal static class CoreStrata
{
    /// <summary>The core's root namespace; "" below names it.</summary>
    public const string CoreRoot = "Fovea";

    /// <summary>Namespaces relative to the root ("" is the root itself) and their stratum, lowest first.</summary>
    public static readonly IReadOnlyList<(string Namespace, int Level)> Namespaces =
    [
        ("", 0),          // vocabulary shared by everything: Padding, PadMode, Size2, FoveaException, Profiler
        ("Kernels", 1),   // Span math, SIMD dispatch, Reference/ twins; never sees Tensor
        ("Tensors", 2),   // Tensor, Shape, pool, scope, Parameter, Rng, and the autograd graph core
        ("IO", 3),        // safetensors, npy, TensorBoard events, atomic files
        ("Autograd", 3),  // Function, Functional ops, Functions/, GradMode, Gradients
        ("Layers", 4),    // Layer lifecycle, config, concrete layers, registry
        ("Data", 4),      // datasets, loaders, transforms
        ("Training", 5),  // losses, optimizers, metrics, callbacks, the Fit loop
        ("Models", 6),    // Model, Sequential, the layer graph and its passes, Zoo
        ("Reports", 7),   // HTML training reports
    ];

    /// <summary>Dependencies that point down but skip the op stratum: forbidden too.</summary>
    public static readonly IReadOnlyList<(string From, string To)> Skips =
        [("Layers", "Kernels"), ("Models", "Kernels"), ("Reports", "Kernels")];

    /// <summary>The full name of a relative namespace under <paramref name="root"/>.</summary>
    public static string FullName(string root, string relative) => relative.Length == 0 ? root : root + "." + relative;

    /// <summary>The relative namespaces that <paramref name="relative"/> must not depend on.</summary>
    public static IReadOnlyList<string> Forbidden(string relative)
    {
        int level = Namespaces.Single(n => n.Namespace == relative).Level;
        return Namespaces.Where(n => n.Namespace != relative && n.Level >= level).Select(n => n.Namespace)
            .Concat(Skips.Where(s => s.From == relative).Select(s => s.To)).ToList();
    }

    /// <summary>
    /// Every dependency that points up (or sideways, or skips) among the types of <paramref name="assembly"/> under
    /// <paramref name="root"/>, read from the compiled IL by NetArchTest: one line per offending type and the
    /// namespace it must not use, e.g. <c>Fovea.Tensors.Tensor -> Fovea.Autograd</c>. Empty when the strata hold.
    /// </summary>
    public static List<string> Violations(Assembly assembly, string root)
    {
        var types = Types.InAssembly(assembly);
        var found = new List<string>();
        foreach (var (relative, _) in Namespaces)
        {
            var self = FullName(root, relative);
            foreach (var target in Forbidden(relative))
            {
                // NetArchTest's ResideInNamespace is a prefix match on the full name (the root matches everything;
                // ResideInNamespaceMatching misses nested types, whose IL namespace is empty), so the types it
                // returns are narrowed to this stratum here. HaveDependencyOn matches whole namespace segments:
                // "Fovea.Data" covers Fovea.Data.Transforms, not a namespace "Fovea.DataSets".
                var result = types.That().ResideInNamespace(self)
                    .ShouldNot().HaveDependencyOn(FullName(root, target)).GetResult();
                found.AddRange((result.FailingTypes ?? []).Where(t => StratumOf(t.Namespace, root) == relative)
                    .Select(t => $"{t.FullName} -> {FullName(root, target)}"));
            }
        }
        return found;
    }

    /// <summary>The relative namespace of the stratum that holds <paramref name="ns"/>, or null.</summary>
    public static string? StratumOf(string? ns, string root)
    {
        if (ns is null)
            return null;
        foreach (var (relative, _) in Namespaces)
        {
            var full = FullName(root, relative);
            if (ns == full || relative.Length > 0 && ns.StartsWith(full + ".", StringComparison.Ordinal))
                return relative;
        }
        return null;
    }

    /// <summary>
    /// The <c>using</c> directives of one source file that name a namespace its own namespace must not depend on
    /// (e.g. <c>using Fovea.Autograd;</c> in a file of <c>namespace Fovea.Tensors;</c>). The IL check cannot see
    /// what the compiler folds away (constants, <c>nameof</c>) or a using kept only for documentation links.
    /// </summary>
    public static List<string> UsingViolations(string source, string root)
    {
        var fileNamespace = Regex.Match(source, @"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline).Groups[1].Value;
        if (StratumOf(fileNamespace, root) is not { } self)
            return [];
        var forbidden = Forbidden(self);
        return Regex.Matches(source, @"^\s*(?:global\s+)?using\s+(?:static\s+)?([\w.]+)\s*;", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Where(u => StratumOf(u, root) is { } target && forbidden.Contains(target))
            .Select(u => $"{fileNamespace} -> using {u}").ToList();
    }

    /// <summary>
    /// The namespaces under <paramref name="root"/> in <paramref name="assembly"/> that no stratum holds.
    /// </summary>
    public static List<string> Unassigned(Assembly assembly, string root) =>
        assembly.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(ns => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal))
            .Distinct().Where(ns => StratumOf(ns, root) is null).Order().ToList();
}
