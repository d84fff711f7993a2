namespace SegHeads.Tests.Infrastructure;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelGroup
{
    public const string Name = "Sequential (dispose-scope statistics)";
}
