//! The quantity expressions of a declared model: numbers, input names, `+ - * /`, parentheses and the functions
//! `min(a, b)`, `max(a, b)` and `ceil(a)`. Parsed once, when the kind loads, so a name that is no input is refused
//! then; evaluated in plain f64 arithmetic, so the same inputs always give the same figure.

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Name(String),
    Negative(Box<Expr>),
    Binary(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

const FUNCTIONS: [(&str, usize); 3] = [("min", 2), ("max", 2), ("ceil", 1)];

impl Expr {
    /// Parses `text`; the error says where it stops making sense.
    pub fn parse(text: &str) -> Result<Expr, String> {
        let mut p = Parser {
            chars: text.chars().collect(),
            at: 0,
        };
        let e = p.sum()?;
        p.skip_space();
        match p.peek() {
            None => Ok(e),
            Some(c) => Err(format!("unexpected `{c}` at character {}", p.at + 1)),
        }
    }

    /// Every input name the expression reads, in order of appearance.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Expr::Number(_) => Vec::new(),
            Expr::Name(n) => vec![n.as_str()],
            Expr::Negative(e) => e.names(),
            Expr::Binary(_, a, b) => [a.names(), b.names()].concat(),
            Expr::Call(_, args) => args.iter().flat_map(|a| a.names()).collect(),
        }
    }

    /// The value for the inputs `value` gives (every name was checked when the model was declared).
    pub fn eval(&self, value: &impl Fn(&str) -> f64) -> f64 {
        match self {
            Expr::Number(x) => *x,
            Expr::Name(n) => value(n),
            Expr::Negative(e) => -e.eval(value),
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.eval(value), b.eval(value));
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ if b == 0.0 => 0.0,
                    _ => a / b,
                }
            }
            Expr::Call(f, args) => {
                let x: Vec<f64> = args.iter().map(|a| a.eval(value)).collect();
                match f.as_str() {
                    "min" => x[0].min(x[1]),
                    "max" => x[0].max(x[1]),
                    _ => x[0].ceil(),
                }
            }
        }
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        loop {
            self.skip_space();
            match self.peek() {
                Some(op @ ('+' | '-')) => {
                    self.at += 1;
                    left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
                }
                _ => return Ok(left),
            }
        }
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        loop {
            self.skip_space();
            match self.peek() {
                Some(op @ ('*' | '/')) => {
                    self.at += 1;
                    left = Expr::Binary(op, Box::new(left), Box::new(self.factor()?));
                }
                _ => return Ok(left),
            }
        }
    }

    fn factor(&mut self) -> Result<Expr, String> {
        self.skip_space();
        let start = self.at;
        match self.peek() {
            Some('-') => {
                self.at += 1;
                Ok(Expr::Negative(Box::new(self.factor()?)))
            }
            Some('(') => {
                self.at += 1;
                let e = self.sum()?;
                self.expect(')')?;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '_')
                {
                    self.at += 1;
                }
                let text: String = self.chars[start..self.at]
                    .iter()
                    .filter(|c| **c != '_')
                    .collect();
                text.parse()
                    .map(Expr::Number)
                    .map_err(|_| format!("`{text}` is not a number"))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.at += 1;
                }
                let name: String = self.chars[start..self.at].iter().collect();
                self.skip_space();
                if self.peek() != Some('(') {
                    return Ok(Expr::Name(name));
                }
                let Some((_, arity)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
                    let known: Vec<&str> = FUNCTIONS.iter().map(|(f, _)| *f).collect();
                    return Err(format!(
                        "`{name}` is no function; the functions are {}",
                        known.join(", ")
                    ));
                };
                self.at += 1;
                let mut args = vec![self.sum()?];
                while {
                    self.skip_space();
                    self.peek() == Some(',')
                } {
                    self.at += 1;
                    args.push(self.sum()?);
                }
                self.expect(')')?;
                if args.len() != *arity {
                    return Err(format!(
                        "`{name}` takes {arity} argument(s), not {}",
                        args.len()
                    ));
                }
                Ok(Expr::Call(name, args))
            }
            Some(c) => Err(format!("unexpected `{c}` at character {}", self.at + 1)),
            None => Err("the expression ends where a number or name should be".into()),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected `{c}` at character {}", self.at + 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Expr;

    #[test]
    fn arithmetic_follows_precedence_and_names_read_their_inputs() {
        let e = Expr::parse("ceil(messages * 3 / 10) - max(2, -workers) + (1 + 1) * 2").unwrap();
        assert_eq!(e.names(), ["messages", "workers"]);
        // messages = 7, workers = 5: ceil(21 / 10) = 3; max(2, -5) = 2; (1 + 1) * 2 = 4; 3 - 2 + 4 = 5.
        let value = |n: &str| if n == "messages" { 7.0 } else { 5.0 };
        assert_eq!(e.eval(&value), 5.0);
    }

    #[test]
    fn a_broken_expression_says_where() {
        assert!(
            Expr::parse("a * (b + 1")
                .unwrap_err()
                .contains("expected `)`")
        );
        assert!(
            Expr::parse("a $ b")
                .unwrap_err()
                .contains("unexpected `$` at character 3")
        );
        assert!(Expr::parse("sqrt(a)").unwrap_err().contains("no function"));
    }
}
