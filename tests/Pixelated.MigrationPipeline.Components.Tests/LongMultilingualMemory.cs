using System.Text;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>Issue 17's memory: a ~12,000-character session summary in French, with emoji and a few Japanese sentences.</summary>
internal static class LongMultilingualMemory
{
    public const string MetadataJson = """{"type":"session_summary","langue":"français","séance":12}""";

    public static string Text()
    {
        string[] sentences =
        [
            "Séance du 12 mars : la patiente décrit une anxiété élevée 😟 avant ses examens, surtout le soir. ",
            "Elle dit qu'elle « n'arrive plus à dormir » et se réveille très tôt, épuisée. ",
            "今日はよく眠れませんでした。先生と話して少し安心しました。 ",
            "Nous avons travaillé la respiration 🧘‍♀️ et l'écriture d'un journal ✍️ quotidien. ",
            "Objectif pour la semaine : noter trois moments où l'inquiétude a diminué 👍🏽, même brièvement. ",
            "La thérapeute 👩‍⚕️ propose de revoir le plan de traitement à la prochaine séance.\n\n",
        ];
        var text = new StringBuilder();
        for (var i = 0; text.Length < 12_000; i++) text.Append(sentences[i % sentences.Length]);
        return text.ToString().TrimEnd();
    }
}
