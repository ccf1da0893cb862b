def check_answer(sub, h):
    return sub.answer()
