//! The `terrarium:llama` component: the WIT interface (`wit/llama.wit`) over this crate.

wit_bindgen::generate!({ world: "runner", path: "wit" });

use crate::{Generation, Model, Options, StopReason};
use exports::terrarium::llama::llama as wit;
use std::cell::RefCell;
use std::rc::Rc;

struct Component;

impl wit::Guest for Component {
    type Model = ModelResource;
    type Generation = GenerationResource;

    fn kernel() -> String {
        crate::kernels::KERNEL.to_string()
    }

    fn inspect(
        header: Vec<u8>,
        checkpoint_bytes: u64,
        quantize_group_size: Option<u32>,
    ) -> Result<wit::Footprint, String> {
        let (config, f) = crate::footprint::inspect(&header, checkpoint_bytes, quantize_group_size.map(|g| g as usize))
            .map_err(|e| e.to_string())?;
        Ok(wit::Footprint {
            config: wit_config(&config),
            weights: f.weights,
            kv_cache: f.kv_cache,
            activations: f.activations,
        })
    }
}

/// A config as the WIT record.
fn wit_config(c: &crate::Config) -> wit::Config {
    let u = |n: usize| n as u32; // every size came from an i32
    wit::Config {
        dim: u(c.dim),
        hidden_dim: u(c.hidden_dim),
        n_layers: u(c.n_layers),
        n_heads: u(c.n_heads),
        n_kv_heads: u(c.n_kv_heads),
        vocab_size: u(c.vocab_size),
        seq_len: u(c.seq_len),
        shared_classifier: c.shared_classifier,
        format_version: c.format.version(),
        group_size: match c.format {
            crate::Format::V2 { group_size } => u(group_size),
            _ => 0,
        },
    }
}

/// A loaded model, shared with the generations started from it.
struct ModelResource(Rc<Model>);

impl wit::GuestModel for ModelResource {
    fn load(checkpoint: Vec<u8>, tokenizer: Vec<u8>) -> Result<wit::Model, String> {
        let model = Model::load(checkpoint, &tokenizer).map_err(|e| e.to_string())?;
        Ok(wit::Model::new(ModelResource(Rc::new(model))))
    }

    fn config(&self) -> wit::Config {
        wit_config(self.0.config())
    }

    fn encode(&self, text: String, bos: bool) -> Result<Vec<u32>, String> {
        self.0.tokenizer().encode(&text, bos).map_err(|e| e.to_string())
    }

    fn logits(&self, tokens: Vec<u32>) -> Result<Vec<f32>, String> {
        self.0.logits(&tokens).map_err(|e| e.to_string())
    }

    fn weights_bytes(&self) -> u64 {
        self.0.weights().memory_bytes() as u64
    }

    fn generate(&self, prompt: String, options: wit::Options) -> Result<wit::Generation, String> {
        let options = Options {
            temperature: options.temperature,
            top_p: options.top_p,
            seed: options.seed,
            max_tokens: options.max_tokens,
        };
        let generation = Generation::new(Rc::clone(&self.0), &prompt, &options).map_err(|e| e.to_string())?;
        Ok(wit::Generation::new(GenerationResource(RefCell::new(generation))))
    }
}

struct GenerationResource(RefCell<Generation<Rc<Model>>>);

impl wit::GuestGeneration for GenerationResource {
    fn next_token(&self) -> Option<wit::Token> {
        self.0.borrow_mut().next_token().map(|t| wit::Token { id: t.id, piece: t.piece })
    }

    fn stop_reason(&self) -> Option<wit::StopReason> {
        self.0.borrow().stop_reason().map(|r| match r {
            StopReason::EndOfText => wit::StopReason::EndOfText,
            StopReason::MaxTokens => wit::StopReason::MaxTokens,
            StopReason::ContextFull => wit::StopReason::ContextFull,
        })
    }

    fn prompt_tokens(&self) -> u32 {
        self.0.borrow().prompt().len() as u32
    }
}

export!(Component);
