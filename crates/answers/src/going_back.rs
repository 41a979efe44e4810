//! Going back at a prompt while settling: the previous question prompted is asked again.

use super::tests::demo;
use super::*;

/// Answers in turn from a script, where `None` goes back; records each question asked with the answers
/// settled before it.
struct GoingBack(Vec<Option<Answer>>, Vec<String>);

impl Prompter for GoingBack {
    fn ask(&mut self, q: &Question, _: Option<&Answer>, so_far: &Answers) -> Result<Answer> {
        let before: Vec<&str> = so_far.iter().map(|(k, _)| k).collect();
        self.1
            .push(format!("{} after [{}]", q.key, before.join(" ")));
        self.0.remove(0).ok_or(Error::Back)
    }
}

#[test]
fn going_back_asks_the_previous_prompted_question_again_and_drops_the_answers_after_it() {
    let given = Given {
        file: None,
        sets: vec![("team".into(), "given".into())],
    };
    let s = |v: &str| Some(Answer::Str(v.into()));
    let mut p = GoingBack(
        vec![
            None, // at the first question: asked again
            s("shop"),
            s("first"),
            None, // from host, past the given team, back to description
            s("second"),
            s("h.example"),
        ],
        Vec::new(),
    );
    let mut kind = demo();
    kind.manifest.questions.truncate(3);
    let a = resolve(&kind, &given, Some(&mut p)).unwrap();
    assert_eq!(
        p.1,
        [
            "name after []",
            "name after []",
            "description after [name]",
            "host after [name description team]",
            "description after [name]",
            "host after [name description team]",
        ]
    );
    assert_eq!(a.get("description"), s("second").as_ref());
    assert_eq!(a.get("team"), s("given").as_ref());
    assert_eq!(a.get("host"), s("h.example").as_ref());
}
