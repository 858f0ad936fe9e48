using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>Turns one JSON record of a records array into zero or more outcomes.</summary>
internal interface IRecordMapper
{
    void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output);
}
