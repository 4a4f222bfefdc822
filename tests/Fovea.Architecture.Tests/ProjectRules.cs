using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Fovea.Architecture.Tests;

/// <summary>
/// Rules between the repository's assemblies, read two ways: the compiled metadata (which assemblies the code
/// uses) and the project files (which the build lets it use, whether used yet or not).
/// </summary>
internal static class ProjectRules
{
    /// <summary>The assemblies above the core that must stay on its public API.</summary>
    public static readonly string[] Subsystems =
        ["Fovea.Onnx", "Fovea.Vision", "Fovea.Explain", "Fovea.Tuning", "Fovea.Deploy", "Fovea.Distributed"];

    /// <summary>Where no library of src/ may point: the command line, benchmarks, tests, examples.</summary>
    public static readonly string[] NotForLibraries = ["src/Fovea.Cli/", "bench/", "tests/", "examples/"];

    /// <summary>
    /// The names among <paramref name="forbidden"/> that the metadata of <paramref name="assembly"/> references.
    /// </summary>
    public static List<string> ForbiddenReferences(Assembly assembly, IEnumerable<string> forbidden) =>
        assembly.GetReferencedAssemblies().Select(n => n.Name!).Intersect(forbidden).Order().ToList();

    /// <summary>The Fovea assemblies (Fovea, Fovea.*) that <paramref name="assembly"/>'s metadata references.</summary>
    public static List<string> FoveaReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(n => n.Name!)
            .Where(n => n == "Fovea" || n.StartsWith("Fovea.", StringComparison.Ordinal)).Order().ToList();

    /// <summary>
    /// The ProjectReference items of the project file at <paramref name="project"/> (relative to the repository
    /// root), as paths relative to the root with forward slashes, e.g. <c>src/Fovea/Fovea.csproj</c>.
    /// </summary>
    public static List<string> ProjectReferences(string project) =>
        ProjectReferences(project, File.ReadAllText(Repository.PathOf(project)));

    /// <summary>
    /// <see cref="ProjectReferences(string)"/> of the given project-file text, as if it were at
    /// <paramref name="project"/>.
    /// </summary>
    public static List<string> ProjectReferences(string project, string xml)
    {
        var folder = Path.GetDirectoryName(Repository.PathOf(project))!;
        return XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .Select(include => Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(folder,
                include.Replace('\\', Path.DirectorySeparatorChar)))).Replace(Path.DirectorySeparatorChar, '/'))
            .Order().ToList();
    }

    /// <summary>The references among <paramref name="references"/> that fall under a forbidden folder.</summary>
    public static List<string> ForbiddenProjectReferences(IEnumerable<string> references,
        IEnumerable<string> folders) =>
        references.Where(r => folders.Any(f => r.StartsWith(f, StringComparison.Ordinal))).ToList();

    /// <summary>
    /// The assembly names (public key left out) that <paramref name="assembly"/> shows its internals to.
    /// </summary>
    public static List<string> InternalsGrantedTo(Assembly assembly) =>
        assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName.Split(',')[0].Trim())
            .Order().ToList();

    /// <summary>
    /// The names among <paramref name="forbidden"/> that <paramref name="assembly"/> shows its internals to.
    /// </summary>
    public static List<string> ForbiddenGrants(Assembly assembly, IEnumerable<string> forbidden) =>
        InternalsGrantedTo(assembly).Intersect(forbidden).ToList();

    /// <summary>The project file of an assembly under src/, e.g. <c>src/Fovea.Vision/Fovea.Vision.csproj</c>.</summary>
    public static string SourceProject(string assembly) => $"src/{assembly}/{assembly}.csproj";
}
