//! The plan as JSON, in the shape `docs/plan-format.md` gives: camelCase keys, a `kind` or `op`
//! tag on each variant.

use super::*;
use crate::abi::layout::{CoreType, Layout};
use crate::abi::signature::{FuncSig, Param, TupleLayout};
use crate::error::{Error, ErrorKind};
use crate::json::{object, Object, ToJson};
use crate::names::{interface_type_names, lower_camel, upper_camel, versionless};
use crate::parse::features::EngineFeatures;
use crate::types::{Case, Field, TypeDef, TypeKind};

/// The plan format's version: runtimes refuse a plan of another (ahead-of-time output is data
/// written by one version of Terrarium and run by another).
const PLAN_FORMAT: u32 = 3;

impl ToJson for Plan {
    fn write_json(&self, out: &mut String) {
        object(out)
            .field("version", &PLAN_FORMAT)
            .field("modules", &self.modules)
            .field("types", &self.types)
            .field("resources", &self.resources)
            .field("imports", &self.imports)
            .field("steps", &self.steps)
            .field("exports", &self.exports)
            .end();
    }
}

impl ToJson for ModuleRange {
    fn write_json(&self, out: &mut String) {
        let mut o = object(out);
        o.field("start", &self.start).field("end", &self.end);
        if let Some(import) = &self.import {
            o.field("import", import);
        }
        o.field("features", &self.features).end();
    }
}

/// A list of names: `["gc","tail-call"]`.
impl ToJson for EngineFeatures {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, feature) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            feature.name().write_json(out);
        }
        out.push(']');
    }
}

impl ToJson for CoreType {
    fn write_json(&self, out: &mut String) {
        let name = match self {
            CoreType::I32 => "i32",
            CoreType::I64 => "i64",
            CoreType::F32 => "f32",
            CoreType::F64 => "f64",
        };
        name.write_json(out);
    }
}

impl ToJson for CoreSort {
    fn write_json(&self, out: &mut String) {
        let name = match self {
            CoreSort::Func => "func",
            CoreSort::Memory => "memory",
            CoreSort::Table => "table",
            CoreSort::Global => "global",
        };
        name.write_json(out);
    }
}

impl ToJson for TypeDef<Layout> {
    fn write_json(&self, out: &mut String) {
        use TypeKind::*;
        let layout = &self.layout;
        let mut o = object(out);
        let kind = match &self.kind {
            Bool => "bool",
            S8 => "s8",
            U8 => "u8",
            S16 => "s16",
            U16 => "u16",
            S32 => "s32",
            U32 => "u32",
            S64 => "s64",
            U64 => "u64",
            F32 => "f32",
            F64 => "f64",
            Char => "char",
            String => "string",
            List { .. } => "list",
            FixedList { .. } => "fixed-list",
            Map { .. } => "map",
            Record { .. } => "record",
            Tuple { .. } => "tuple",
            Variant { .. } => "variant",
            Enum { .. } => "enum",
            Option { .. } => "option",
            Result { .. } => "result",
            Flags { .. } => "flags",
            Own { .. } => "own",
            Borrow { .. } => "borrow",
            Stream { .. } => "stream",
            Future { .. } => "future",
            ErrorContext => "error-context",
        };
        o.field("kind", kind);
        if let Some(name) = &self.name {
            o.field("name", name).field("jsName", &upper_camel(name));
        }
        match &self.kind {
            List { element } => {
                o.field("element", element);
            }
            FixedList { element, length } => {
                o.field("element", element).field("length", length);
            }
            Map { key, value, entry } => {
                o.field("key", key).field("value", value).field("entry", entry);
            }
            Record { fields } => {
                let fields: Vec<_> = fields.iter().zip(&layout.offsets).map(|(f, &at)| Placed(f, at)).collect();
                o.field("fields", &fields);
            }
            Tuple { elements } => {
                let elements: Vec<_> = elements.iter().zip(&layout.offsets).map(|(e, &at)| Placed(e, at)).collect();
                o.field("elements", &elements);
            }
            Variant { cases } => {
                o.field("cases", cases)
                    .field("discriminantSize", &layout.discriminant_size)
                    .field("payloadOffset", &layout.payload_offset);
            }
            Enum { names } => {
                o.field("names", names).field("discriminantSize", &layout.discriminant_size);
            }
            Option { ty } => {
                o.field("type", ty).field("payloadOffset", &layout.payload_offset);
            }
            Result { ok, err } => {
                o.field("ok", ok).field("err", err).field("payloadOffset", &layout.payload_offset);
            }
            Flags { names, js_names } => {
                o.field("names", names).field("jsNames", js_names);
            }
            Own { resource } | Borrow { resource } => {
                o.field("resource", resource);
            }
            Stream { element } | Future { element } => {
                o.field("element", element);
            }
            _ => {}
        }
        o.field("size", &layout.size).field("align", &layout.align).field("flat", &layout.flat).end();
    }
}

/// A record's field or a tuple's element, with the offset its type's layout gives it.
struct Placed<'a, T>(&'a T, u32);

impl ToJson for Placed<'_, Field> {
    fn write_json(&self, out: &mut String) {
        let Placed(field, offset) = self;
        object(out)
            .field("name", &field.name)
            .field("jsName", &field.js_name)
            .field("type", &field.ty)
            .field("offset", offset)
            .end();
    }
}

impl ToJson for Placed<'_, TypeId> {
    fn write_json(&self, out: &mut String) {
        let Placed(ty, offset) = self;
        object(out).field("type", *ty).field("offset", offset).end();
    }
}

impl ToJson for Case {
    fn write_json(&self, out: &mut String) {
        object(out).field("name", &self.name).field("type", &self.ty).end();
    }
}

impl ToJson for Param {
    fn write_json(&self, out: &mut String) {
        object(out).field("name", &self.name).field("jsName", &lower_camel(&self.name)).field("type", &self.ty).end();
    }
}

impl ToJson for FuncSig {
    fn write_json(&self, out: &mut String) {
        object(out)
            .field("name", &self.name)
            .field("async", &self.is_async)
            .field("params", &self.params)
            .field("result", &self.result)
            .field("flatParams", &self.flat_params)
            .field("flatResults", &self.flat_results)
            .field("paramsIndirect", &self.params_indirect)
            .field("resultIndirect", &self.result_indirect)
            .field("paramsLayout", &self.params_layout)
            .end();
    }
}

impl ToJson for TupleLayout {
    fn write_json(&self, out: &mut String) {
        object(out).field("offsets", &self.offsets).field("size", &self.size).field("align", &self.align).end();
    }
}

impl ToJson for Step {
    fn write_json(&self, out: &mut String) {
        let mut o = object(out);
        match self {
            Step::Instantiate { module, args } => {
                o.field("op", "instantiate").field("module", module).field("args", args)
            }
            Step::Bundle { exports } => o.field("op", "bundle").field("exports", exports),
            Step::Alias { kind, core_instance, name } => {
                o.field("op", "alias").field("kind", kind).field("coreInstance", core_instance).field("name", name)
            }
            Step::Lower { callee, sig, options } => {
                o.field("op", "lower").field("callee", callee).field("sig", sig).field("options", options)
            }
            Step::ResourceNew { resource, component_instance } => {
                o.field("op", "resourceNew").field("resource", resource).field("componentInstance", component_instance)
            }
            Step::ResourceRep { resource, component_instance } => {
                o.field("op", "resourceRep").field("resource", resource).field("componentInstance", component_instance)
            }
            Step::ResourceDrop { resource, component_instance } => {
                o.field("op", "resourceDrop").field("resource", resource).field("componentInstance", component_instance)
            }
            Step::Builtin { builtin, component_instance } => {
                o.field("op", "builtin").field("name", &builtin.name()).field("componentInstance", component_instance);
                builtin_fields(builtin, &mut o)
            }
        }
        .end();
    }
}

/// A built-in's immediates and options, after its `op`, `name` and `componentInstance`.
fn builtin_fields<'o, 'a>(builtin: &Builtin, o: &'o mut Object<'a>) -> &'o mut Object<'a> {
    match builtin {
        Builtin::ContextGet { slot } | Builtin::ContextSet { slot } => o.field("slot", slot),
        Builtin::TaskReturn { result, sig, options } => {
            o.field("result", result).field("sig", sig).field("options", options)
        }
        Builtin::WaitableSetWait { memory } | Builtin::WaitableSetPoll { memory } => o.field("memory", memory),
        Builtin::SubtaskCancel { is_async } => o.field("async", is_async),
        Builtin::Channel { op, ty, .. } => {
            o.field("type", ty);
            match op {
                ChannelOp::Read { options } | ChannelOp::Write { options } => o.field("options", options),
                ChannelOp::CancelRead { is_async } | ChannelOp::CancelWrite { is_async } => o.field("async", is_async),
                ChannelOp::New | ChannelOp::DropReadable | ChannelOp::DropWritable => o,
            }
        }
        Builtin::ErrorContextNew { options } | Builtin::ErrorContextDebugMessage { options } => {
            o.field("options", options)
        }
        Builtin::BackpressureInc
        | Builtin::BackpressureDec
        | Builtin::TaskCancel
        | Builtin::WaitableSetNew
        | Builtin::WaitableSetDrop
        | Builtin::WaitableJoin
        | Builtin::SubtaskDrop
        | Builtin::ThreadYield
        | Builtin::ErrorContextDrop => o,
    }
}

impl ToJson for InstantiateArg {
    fn write_json(&self, out: &mut String) {
        object(out).field("name", &self.name).field("coreInstance", &self.core_instance).end();
    }
}

impl ToJson for BundleExport {
    fn write_json(&self, out: &mut String) {
        object(out).field("name", &self.name).field("kind", &self.kind).field("index", &self.index).end();
    }
}

impl ToJson for Callee {
    fn write_json(&self, out: &mut String) {
        match self {
            Callee::Host(host) => host.write_json(out),
            Callee::Lifted { core_func, options, name, sig } => object(out)
                .field("kind", "lifted")
                .field("coreFunc", core_func)
                .field("options", options)
                .field("name", name)
                .field("sig", sig.as_ref())
                .end(),
        }
    }
}

impl ToJson for Member {
    fn write_json(&self, out: &mut String) {
        object(out).field("kind", self.kind.as_str()).field("resource", &self.resource).end();
    }
}

impl ToJson for HostCallee {
    fn write_json(&self, out: &mut String) {
        object(out)
            .field("import", &self.import)
            .field("name", &self.name)
            .field("kind", self.member.map_or("freestanding", |m| m.kind.as_str()))
            .field("resource", &self.member.map(|m| m.resource))
            .field("jsName", &self.js_name)
            .end();
    }
}

impl ToJson for Options {
    fn write_json(&self, out: &mut String) {
        let encoding = match self.string_encoding {
            StringEncoding::Utf8 => "utf8",
            StringEncoding::Utf16 => "utf16",
            StringEncoding::CompactUtf16 => "latin1+utf16",
        };
        object(out)
            .field("memory", &self.memory)
            .field("realloc", &self.realloc)
            .field("postReturn", &self.post_return)
            .field("stringEncoding", encoding)
            .field("async", &self.is_async)
            .field("callback", &self.callback)
            .field("componentInstance", &self.component_instance)
            .end();
    }
}

impl ToJson for Resource {
    fn write_json(&self, out: &mut String) {
        object(out)
            .field("name", &self.name)
            .field("jsName", &self.js_name)
            .field("import", &self.import)
            .field("dtor", &self.dtor)
            .field("componentInstance", &self.component_instance)
            .end();
    }
}

impl ToJson for Import {
    fn write_json(&self, out: &mut String) {
        let kind = match self.kind {
            ImportKind::Instance => "instance",
            ImportKind::Func => "func",
            ImportKind::Resource => "resource",
            ImportKind::Module => "module",
        };
        let mut o = object(out);
        o.field("name", &self.name).field("versionless", &self.versionless).field("jsName", &self.js_name);
        if self.kind == ImportKind::Instance {
            let (type_name, qualified_type_name) = interface_type_names(&self.name);
            o.field("typeName", &type_name).field("qualifiedTypeName", &qualified_type_name);
        }
        o.field("kind", kind).field("functions", &self.functions).field("resources", &self.resources).end();
    }
}

impl ToJson for Export {
    fn write_json(&self, out: &mut String) {
        let mut o = object(out);
        match self {
            Export::Instance { name, js_name, exports } => {
                let (type_name, qualified_type_name) = interface_type_names(name);
                o.field("kind", "instance")
                    .field("name", name)
                    .field("versionless", versionless(name))
                    .field("jsName", js_name)
                    .field("typeName", &type_name)
                    .field("qualifiedTypeName", &qualified_type_name)
                    .field("exports", exports)
            }
            Export::Resource { name, js_name, resource } => {
                o.field("kind", "resource").field("name", name).field("jsName", js_name).field("resource", resource)
            }
            Export::Module { name, js_name, module } => {
                o.field("kind", "module").field("name", name).field("jsName", js_name).field("module", module)
            }
            Export::Func { name, js_name, core_func, sig, options, member } => o
                .field("kind", "func")
                .field("name", name)
                .field("jsName", js_name)
                .field("coreFunc", core_func)
                .field("sig", sig)
                .field("options", options)
                .field("member", member),
        }
        .end();
    }
}

impl ToJson for Error {
    fn write_json(&self, out: &mut String) {
        let kind = match self.kind {
            ErrorKind::Malformed => "malformed",
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotAComponent => "not-a-component",
            ErrorKind::Unsupported => "unsupported",
        };
        object(out).field("kind", kind).field("message", &self.message).field("offset", &self.offset).end();
    }
}
