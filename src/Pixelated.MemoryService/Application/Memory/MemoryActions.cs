namespace Pixelated.MemoryService.Application.Memory;

/// <summary>The audit trail's names of the memory operations.</summary>
public static class MemoryActions
{
    public const string AddMessages = "memory.messages.add";
    public const string ReadHistory = "memory.history.read";
    public const string CountHistory = "memory.history.count";
    public const string AddRecord = "memory.record.add";
    public const string ReadRecord = "memory.record.read";
    public const string Stats = "memory.stats";
    public const string Delete = "memory.delete";
}
