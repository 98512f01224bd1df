//! The review section of a request's page: the comment thread (oldest first) with its form, and
//! the attached documents with the upload form. Shown only to who sees the request.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{get_review_thread, PostComment};
use super::types::{AttachmentItem, CommentItem, ReviewThread, UploadOutcome};
use crate::domain::review::AttachmentKind;

/// The conversation of the request whose id (as in the URL) `id` gives.
#[component]
pub fn ReviewSection(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let post = ServerAction::<PostComment>::new();
    // Reloaded after each comment that went through (the id of the last one).
    let posted = Memo::new(move |_| post.value().get().and_then(Result::ok));
    let data = Resource::new(
        move || (id.get(), posted.get()),
        |(id, _)| get_review_thread(id),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // Who does not see the request sees no conversation (the page says why).
                data.await.ok().map(|thread| view! { <Conversation thread post/> })
            })}
        </Transition>
    }
}

#[component]
fn Conversation(thread: ReviewThread, post: ServerAction<PostComment>) -> impl IntoView {
    let rid = thread.request_id;
    let may_post = thread.may_post;
    let body_error = move || {
        post.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.field_message("body").unwrap_or_else(|| e.to_string()))
    };
    view! {
        <section class="card review-thread" aria-labelledby="conversation">
            <h2 id="conversation">"Conversation"</h2>
            {if thread.comments.is_empty() {
                view! { <p class="muted">"No comments yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="thread">
                        {thread.comments.into_iter().map(|c| view! { <Comment c/> }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            {may_post.then(|| view! {
                <ActionForm action=post attr:class="stack">
                    <input type="hidden" name="id" value=rid.to_string()/>
                    <div class="field">
                        <label for="comment-body">"Your comment"</label>
                        <textarea id="comment-body" name="body" rows="3" maxlength="5000"
                            aria-describedby="comment-body-error"></textarea>
                        <p id="comment-body-error" class="field__error" role="alert">{body_error}</p>
                    </div>
                    <button type="submit" class="button">"Send the comment"</button>
                </ActionForm>
            })}
            {(!may_post).then(|| view! {
                <p class="muted">"You can read this conversation; only the people working on the request write in it."</p>
            })}
        </section>
        <Attachments rid attachments=thread.attachments may_post/>
    }
}

#[component]
fn Comment(c: CommentItem) -> impl IntoView {
    view! {
        <li class="comment">
            <p class="comment__meta">
                <strong>{c.author_name}</strong>
                {c.by_reviewer.then(|| view! { " " <span class="badge badge--info">"Reviewer"</span> })}
                " · " <time title=c.at>{c.when}</time>
            </p>
            <p class="comment__body">{c.body}</p>
        </li>
    }
}

/// The attached documents and, for who may write, the upload form: a plain multipart form posted
/// to `/requests/{id}/attachments`, which sends the browser back here with `?upload=…`.
#[component]
fn Attachments(rid: i64, attachments: Vec<AttachmentItem>, may_post: bool) -> impl IntoView {
    let query = use_query_map();
    let outcome = move || {
        query
            .read()
            .get("upload")
            .and_then(|o| UploadOutcome::parse(&o))
    };
    let problem = move |field: &'static str| {
        outcome()
            .filter(|o| *o != UploadOutcome::Done && o.field() == field)
            .map(UploadOutcome::message)
    };
    view! {
        <section class="card" aria-labelledby="attachments">
            <h2 id="attachments">"Documents"</h2>
            {if attachments.is_empty() {
                view! { <p class="muted">"No documents attached yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table attachments">
                            <thead>
                                <tr>
                                    <th scope="col">"Document"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col">"Size"</th>
                                    <th scope="col">"Added"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {attachments.into_iter().map(|a| view! {
                                    <tr>
                                        <td class="attachments__name">
                                            <a href=format!("/requests/{rid}/attachments/{}", a.id)
                                                download="" rel="external nofollow">{a.file_name}</a>
                                        </td>
                                        <td>{a.kind.label()}</td>
                                        <td>{a.size}</td>
                                        <td>{a.uploader_name} ", " <time title=a.at>{a.when}</time></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {move || (outcome() == Some(UploadOutcome::Done)).then(|| view! {
                <p class="form__ok" role="status">{UploadOutcome::Done.message()}</p>
            })}
            {may_post.then(|| view! {
                <form class="stack" method="post" enctype="multipart/form-data"
                    action=format!("/requests/{rid}/attachments")>
                    <div class="field">
                        <label for="attach-kind">"Kind of document"</label>
                        <select id="attach-kind" name="kind">
                            {AttachmentKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str()>{k.label()}</option>
                            }).collect_view()}
                        </select>
                        <p class="field__error" role="alert">{move || problem("kind")}</p>
                    </div>
                    <div class="field">
                        <label for="attach-file">"PDF file (at most 10 MB)"</label>
                        <input id="attach-file" name="file" type="file" accept=".pdf,application/pdf" required/>
                        <p class="field__error" role="alert">{move || problem("file")}</p>
                    </div>
                    <button type="submit" class="button">"Attach the document"</button>
                </form>
            })}
        </section>
    }
}
