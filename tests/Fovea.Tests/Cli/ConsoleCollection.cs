using Xunit;

namespace Fovea.Tests.Cli;

/// <summary>Tests that capture the global Console run alone, never beside other tests.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection
{
}
