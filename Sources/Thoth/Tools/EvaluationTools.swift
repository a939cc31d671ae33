import Discovery
import Foundation
import JSON

/// `evaluate_article`: an article of the knowledge base judged against a research query, with
/// the article's passages that answer the query quoted.
enum EvaluationTools {
    static func all(_ knowledge: KnowledgeBase, discovery: DiscoveryRunner) -> [Tool] {
        [
            Tool(
                name: "evaluate_article",
                description: "How well an article in the knowledge base fits a research query: relevant or not, a "
                    + "score and the reasons (the chat model's, else the embedding model's similarity), with the "
                    + "article's passages closest to the query.",
                parameters: [
                    .string("article_identifier", "The article: its title, file name or path", required: true),
                    .string("query_name", "The research query (see list_queries)", required: true),
                ]
            ) { arguments in
                let article = try await knowledge.article(matching: arguments.string("article_identifier")!)
                var candidate = DiscoveredArticle(
                    title: article.title,
                    authors: article.bibliographic["authors"]?.stringValue?.components(separatedBy: ", ") ?? [],
                    source: "knowledge")
                candidate.abstract = String(
                    try await knowledge.chunks(of: article).joined(separator: "\n").prefix(4000))
                let evaluation = try await discovery.evaluate(
                    candidate, againstQuery: arguments.string("query_name")!)
                let criteria = evaluation.criteria
                let question = ([criteria.researchQuestion, criteria.description] + criteria.keywords)
                    .filter { !$0.isEmpty }.joined(separator: " ")
                let passages = try await knowledge.search(question, k: 40, mode: .dense).filter {
                    $0.source == article.source
                }
                .prefix(3)
                let judgement = evaluation.judgement
                var data: JSONObject = [
                    "article": .string(article.title), "source": .string(article.source),
                    "query": .string(arguments.string("query_name")!), "relevant": .bool(judgement.relevant),
                    "score": .double((judgement.score * 1000).rounded() / 1000), "reason": .string(judgement.reason),
                    "judge": .string(evaluation.judge), "threshold": .double(criteria.threshold),
                    "passages": .array(passages.map(\.json)),
                ]
                if let problem = evaluation.problem { data["problem"] = .string(problem) }
                let text =
                    "\(article.title): \(judgement.relevant ? "relevant" : "not relevant") to "
                    + "'\(arguments.string("query_name")!)' (score \((judgement.score * 100).rounded() / 100), "
                    + "\(evaluation.judge)). \(judgement.reason)"
                    + (passages.isEmpty ? "" : "\n\nClosest passages:\n")
                    + passages.map { "- \($0.citation): \($0.content.prefix(300))" }.joined(separator: "\n")
                return ToolOutput(text: text, data: .object(data))
            }
        ]
    }
}
