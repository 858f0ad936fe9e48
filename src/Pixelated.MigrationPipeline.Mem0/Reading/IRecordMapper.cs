using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>Turns one JSON record of a records array into zero or more outcomes.</summary>
internal interface IRecordMapper
{
    void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output);

    /// <summary>Called once after the file's last record: what a mapper that settles records across the file still holds
    /// (<see cref="OssHistoryMapper"/>). Nothing for mappers that map each record on its own.</summary>
    void Complete(ICollection<ReadOutcome> output)
    {
    }
}
