using System.Text.Json;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>Random Unicode text: a sequence of tokens (so it shrinks to shorter valid text), with or without any whitespace.</summary>
public sealed record UnicodeText(string[] Tokens)
{
    public string Value { get; } = string.Concat(Tokens);

    public override string ToString() => $"{Value.Length} UTF-16 units in {Tokens.Length} tokens, starting {JsonSerializer.Serialize(Value[..Math.Min(80, Value.Length)])}";
}
